namespace EckRemoteCluster.Contracts;

/// <summary>Where an entry of the estate file starts (1-based), for messages that point at it.</summary>
internal sealed record EstatePosition(int Line, int Column)
{
    public override string ToString() => $"line {Line}, column {Column}";
}

/// <summary>
/// The estate a YAML file declares (docs/estate.md): self-managed clusters, ECK clusters, and the links between them.
/// Only references to secrets are kept here, never their values.
/// </summary>
internal sealed record EstateDocument(
    IReadOnlyList<EstateLocalCluster> LocalClusters,
    IReadOnlyList<EstateEckCluster> EckClusters,
    IReadOnlyList<EstateLink> Links);

/// <summary>Where a secret comes from: exactly one of an environment variable, a file, or a SecretManagement secret (with its vault).</summary>
internal sealed record EstateSecretReference(string? Environment, string? File, string? Secret, string? Vault, EstatePosition Position)
{
    public override string ToString() =>
        Environment is not null ? $"environment variable {Environment}"
        : File is not null ? $"file {File}"
        : Vault is null ? $"secret {Secret}" : $"secret {Secret} in vault {Vault}";
}

/// <summary>
/// A node of a self-managed cluster: a config directory reachable from here, or a node reached over SSH (PowerShell
/// remoting) with an optional key file and known_hosts file (then the host key must be in it: StrictHostKeyChecking).
/// </summary>
internal sealed record EstateNode(string? ConfigPath, string? Ssh, string? KeyFile, EstatePosition Position, string? KnownHostsFile = null);

/// <summary>A self-managed cluster: how to reach its REST API and who to be, its nodes, and what Sync may do to it.</summary>
internal sealed record EstateLocalCluster(
    string Name,
    IReadOnlyList<string> Uris,
    string? CertificateAuthority,
    string? Username,
    EstateSecretReference? Password,
    EstateSecretReference? ApiKey,
    EstateSecretReference? KeystorePassword,
    IReadOnlyList<EstateNode> Nodes,
    string? RestartCommand,
    bool Prune,
    EstatePosition Position);

/// <summary>An ECK-managed Elasticsearch cluster: the kubeconfig context, namespace and resource name, and how its interfaces are exposed.</summary>
internal sealed record EstateEckCluster(
    string Name,
    string? KubeConfig,
    string? Context,
    string Namespace,
    string Cluster,
    EckServiceType ServiceType,
    EstatePosition Position);

/// <summary>A role on the local cluster that lets its users reach the link's remote indices.</summary>
internal sealed record EstateRole(
    string Name,
    IReadOnlyList<string> Indices,
    IReadOnlyList<string> Privileges,
    IReadOnlyList<string> RemoteClusterPrivileges,
    EstatePosition Position);

/// <summary>
/// One remote cluster registration: the local cluster reaches the ECK cluster under Alias. For the API-key model the
/// key's access is Search and Replication; KeyExpiration null means a key that does not expire; a key is rotated when
/// it expires within RotateBefore.
/// </summary>
internal sealed record EstateLink(
    string Alias,
    string Local,
    string Eck,
    RemoteClusterSecurityModel SecurityModel,
    IReadOnlyList<string> Search,
    IReadOnlyList<string> Replication,
    TimeSpan? KeyExpiration,
    TimeSpan RotateBefore,
    bool? SkipUnavailable,
    IReadOnlyList<EstateRole> Roles,
    EstatePosition Position);
