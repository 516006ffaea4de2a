namespace EckRemoteCluster;

/// <summary>Where Move-RemoteClusterToApiKey left a remote cluster.</summary>
public enum RemoteClusterMigrationState
{
    /// <summary>Re-registered on the remote cluster server port and verified connected with the API key.</summary>
    Migrated,

    /// <summary>It was already on the API-key model and connected: nothing was changed.</summary>
    AlreadyMigrated,

    /// <summary>
    /// The nodes got the remote cluster client TLS settings (static): restart the listed nodes one at a time, then run
    /// the command again. The certificate-model connection keeps working meanwhile.
    /// </summary>
    RestartRequired,
}

/// <summary>The outcome of moving a certificate-model remote cluster to the API-key model.</summary>
public sealed class RemoteClusterMigration(
    string alias,
    RemoteClusterMigrationState state,
    RemoteClusterSecurityModel? securityModel,
    string? proxyAddress,
    string? serverName,
    IReadOnlyList<string> restartRequired,
    string? apiKeyId,
    long? searchHits)
{
    public string Alias { get; } = alias;

    public RemoteClusterMigrationState State { get; } = state;

    /// <summary>The remote's security model as _remote/info shows it now.</summary>
    public RemoteClusterSecurityModel? SecurityModel { get; } = securityModel;

    public string? ProxyAddress { get; } = proxyAddress;

    public string? ServerName { get; } = serverName;

    /// <summary>The config directories of the nodes to restart before running again (State RestartRequired).</summary>
    public IReadOnlyList<string> RestartRequired { get; } = restartRequired;

    /// <summary>The nodes behind <see cref="RestartRequired"/>, with the sessions they were reached through (for Restart-ElasticsearchNode).</summary>
    internal IReadOnlyList<Contracts.NodeDirectory> RestartNodes { get; init; } = [];

    /// <summary>The id of the cross-cluster API key created by this run; null when the nodes already held a credential.</summary>
    public string? ApiKeyId { get; } = apiKeyId;

    /// <summary>Hits of the verifying cross-cluster search (the -Search patterns).</summary>
    public long? SearchHits { get; } = searchHits;

    public override string ToString() => $"{Alias}: {State}";
}
