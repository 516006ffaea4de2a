namespace EckRemoteCluster.Contracts;

/// <summary>
/// How long-running engine work talks back to the user. Safe to call from any thread: the cmdlet queues the calls
/// and writes them from the pipeline thread, the only thread PowerShell allows to write.
/// Never pass a secret to any of these.
/// </summary>
internal interface IOperationReporter
{
    void Verbose(string message);

    void Debug(string message);

    void Warning(string message);

    /// <summary>Reports progress of one activity; <paramref name="percentComplete"/> -1 when unknown.</summary>
    void Progress(string activity, string status, int percentComplete = -1);

    void CompleteProgress(string activity);
}
