using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Tests.Kubernetes;

/// <summary>Keeps what the engine reports, so tests can check the verbose, debug and warning messages a user would see.</summary>
internal sealed class RecordingReporter : IOperationReporter
{
    public List<string> Messages { get; } = [];

    public void Verbose(string message) => Messages.Add("VERBOSE: " + message);

    public void Debug(string message) => Messages.Add("DEBUG: " + message);

    public void Warning(string message) => Messages.Add("WARNING: " + message);

    /// <summary>Progress records as "activity: status", and "activity: completed" when the activity ends.</summary>
    public List<string> ProgressRecords { get; } = [];

    public void Progress(string activity, string status, int percentComplete = -1)
    {
        lock (ProgressRecords)
        {
            ProgressRecords.Add($"{activity}: {status}");
        }
    }

    public void CompleteProgress(string activity)
    {
        lock (ProgressRecords)
        {
            ProgressRecords.Add($"{activity}: completed");
        }
    }
}
