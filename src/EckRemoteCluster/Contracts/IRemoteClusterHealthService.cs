namespace EckRemoteCluster.Contracts;

/// <summary>When an expiry is a warning and when an error: at or under so many days left.</summary>
internal sealed record HealthThresholds(int WarningDays, int ErrorDays);

/// <summary>
/// What Get-RemoteClusterHealth and Watch-RemoteCluster look at: the local cluster, optionally its nodes (keystores and
/// CA files), the remote cluster (the keys live there) and the ECK cluster whose transport CA the nodes must trust.
/// </summary>
internal sealed record RemoteClusterHealthRequest(
    IElasticsearchClient Local,
    string LocalVersion,
    IReadOnlyList<NodeDirectory>? Nodes,
    System.Security.SecureString? KeystorePassword,
    IElasticsearchClient? Remote,
    EckCluster? Eck,
    HealthThresholds Thresholds);

/// <summary>Day-2 health of remote cluster connections: one check, or a watch that reports changes.</summary>
internal interface IRemoteClusterHealthService
{
    /// <summary>Throws InvalidHealthThreshold unless 0 &lt;= ErrorDays &lt;= WarningDays.</summary>
    void Validate(HealthThresholds thresholds);

    /// <summary>
    /// The health of each alias: a fresh connection check, the key on the remote, the nodes' keystores and CA files,
    /// the chain the remote serves and ECK's transport CA. Evidence that cannot be read becomes a finding, not a failure.
    /// </summary>
    Task<IReadOnlyList<RemoteClusterHealth>> CheckAsync(
        RemoteClusterHealthRequest request, IReadOnlyList<string> aliases, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>
    /// Checks every <paramref name="interval"/> until cancelled and hands each alias whose state changed (connected,
    /// status, findings, drift) to <paramref name="onChange"/>; the first round reports every alias. Without
    /// <paramref name="aliases"/> it follows the registered remotes, including any that disappear.
    /// </summary>
    Task WatchAsync(
        RemoteClusterHealthRequest request,
        IReadOnlyList<string>? aliases,
        TimeSpan interval,
        Func<RemoteClusterHealthChange, Task> onChange,
        IOperationReporter reporter,
        CancellationToken cancellationToken);
}
