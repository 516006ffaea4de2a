namespace EckRemoteCluster.Contracts;

/// <summary>Registering, inspecting and removing remote clusters on a local cluster.</summary>
internal sealed record RemoteClusterRegistration(
    string Alias,
    string ProxyAddress,
    string? ServerName,
    bool? SkipUnavailable,
    int? ProxySocketConnections);

/// <summary>Cluster settings to write in one PUT _cluster/settings; a null value removes the setting.</summary>
internal sealed record ClusterSettingsChange(
    IReadOnlyDictionary<string, string?> Persistent,
    IReadOnlyDictionary<string, string?> Transient)
{
    public bool IsEmpty => Persistent.Count == 0 && Transient.Count == 0;

    public IEnumerable<string> Keys => Persistent.Keys.Concat(Transient.Keys);

    /// <summary>The change that puts back what these keys were before (null where a key was absent).</summary>
    public ClusterSettingsChange? Undo { get; init; }
}

/// <summary>A role restricting what local users may reach on remote clusters (it never extends the API key's access).</summary>
internal sealed record RemoteRoleRequest(string Name, string[] Clusters, string[] Indices, string[] Privileges, string[] RemoteClusterPrivileges);

/// <summary>
/// What Test-RemoteCluster may look at besides the local cluster's answers: every node's config directory (its logs
/// under path.logs and its CA files, read locally or through the node's session), what each keystore holds, and a
/// connection to the remote cluster.
/// </summary>
internal sealed record RemoteClusterTestOptions(
    IReadOnlyList<NodeCredentialCheck> NodeCredentials,
    IReadOnlyList<NodeDirectory>? Nodes = null,
    IElasticsearchClient? Remote = null,
    string? SearchIndex = null,
    bool Handshake = true);

internal interface IRemoteClusterService
{
    /// <summary>
    /// A settled check of one remote: a fresh connection attempt, then a diagnosis from _resolve/cluster, _remote/info,
    /// the nodes' logs of that attempt, the keystores, the key's state on the remote and a TLS handshake from this machine.
    /// </summary>
    Task<RemoteClusterTestResult> TestAsync(IElasticsearchClient client, string alias, string localVersion, RemoteClusterTestOptions options, CancellationToken cancellationToken);

    /// <summary>Whether the role is already exactly so (Unchanged), or would be Created or Updated.</summary>
    Task<RoleChange> PlanRoleAsync(IElasticsearchClient client, RemoteRoleRequest role, string localVersion, CancellationToken cancellationToken);

    /// <summary>PUT /_security/role/{name} with remote_indices (and remote_cluster when privileges are given).</summary>
    Task PutRoleAsync(IElasticsearchClient client, RemoteRoleRequest role, CancellationToken cancellationToken);

    /// <summary>The remotes GET /_remote/info reports.</summary>
    Task<IReadOnlyList<RemoteCluster>> GetAsync(IElasticsearchClient client, string localCluster, CancellationToken cancellationToken);

    /// <summary>What PUT _cluster/settings would change for this registration; empty when it is already so.</summary>
    Task<ClusterSettingsChange> PlanRegistrationAsync(IElasticsearchClient client, RemoteClusterRegistration registration, CancellationToken cancellationToken);

    /// <summary>Applies a planned change in one PUT _cluster/settings (persistent).</summary>
    Task ApplySettingsAsync(IElasticsearchClient client, ClusterSettingsChange change, CancellationToken cancellationToken);

    /// <summary>Every persistent or transient cluster.remote.&lt;alias&gt;.* setting, set to null (which removes the remote).</summary>
    Task<ClusterSettingsChange> PlanRemovalAsync(IElasticsearchClient client, string alias, CancellationToken cancellationToken);

    /// <summary>Waits until the remote is connected (a fresh check each time), or throws with the diagnosis at the timeout.</summary>
    Task<RemoteClusterTestResult> WaitConnectedAsync(IElasticsearchClient client, string alias, string localVersion, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>
    /// POST /_nodes/{nodes}/reload_secure_settings (every node when <paramref name="nodeNames"/> is null); per node,
    /// null when it reloaded, else Elasticsearch's reason.
    /// </summary>
    Task<IReadOnlyList<(string NodeId, string NodeName, string? Failure)>> ReloadSecureSettingsAsync(
        IElasticsearchClient client, System.Security.SecureString? keystorePassword, IReadOnlyList<string>? nodeNames, CancellationToken cancellationToken);
}
