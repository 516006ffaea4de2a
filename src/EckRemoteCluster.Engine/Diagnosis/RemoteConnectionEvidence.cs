namespace EckRemoteCluster.Engine.Diagnosis;

/// <summary>
/// What Elasticsearch said about one remote cluster. Messages are any texts it returned: the <c>error</c> of
/// GET /_resolve/cluster, a search failure's reason and its caused_by reasons, a node's reload_exception reason.
/// The other fields come from GET /_remote/info; null means not known.
/// </summary>
public sealed record RemoteConnectionEvidence
{
    public string? Alias { get; init; }

    public IReadOnlyList<string> Messages
    {
        get => _messages;
        init => _messages = value ?? [];
    }

    private readonly IReadOnlyList<string> _messages = [];

    /// <summary>Whether the alias appears in _remote/info at all.</summary>
    public bool? Registered { get; init; }

    public bool? Connected { get; init; }

    /// <summary>proxy or sniff.</summary>
    public string? Mode { get; init; }

    public string? ProxyAddress { get; init; }

    /// <summary>Whether _remote/info shows cluster_credentials, i.e. the node has a keystore credential for the alias.</summary>
    public bool? HasClusterCredentials { get; init; }

    /// <summary>server_name from _remote/info (empty when unset).</summary>
    public string? ServerName { get; init; }

    /// <summary>
    /// Entries the local nodes logged about this remote during the last connection attempt (path.logs); null when the
    /// logs were not read (no -ConfigPath), empty when they were and said nothing.
    /// </summary>
    public IReadOnlyList<NodeLogEntry>? LogEntries { get; init; }

    /// <summary>A TLS handshake from this machine to the proxy address; null when not tried.</summary>
    public HandshakeEvidence? Handshake { get; init; }

    /// <summary>Each node's keystore: whether it holds the alias's credential and the API key id in it; null when not read.</summary>
    public IReadOnlyList<KeystoreCredentialEvidence>? Keystores { get; init; }

    /// <summary>The state on the remote cluster of the key the keystores hold; null without a remote connection.</summary>
    public RemoteKeyEvidence? RemoteKey { get; init; }

    /// <summary>remote_cluster_server.enabled on the remote; null without a remote connection.</summary>
    public bool? RemoteClusterServerEnabled { get; init; }
}

/// <summary>One node's keystore entry cluster.remote.&lt;alias&gt;.credentials: present, and the key id it holds.</summary>
public sealed record KeystoreCredentialEvidence(string ConfigPath, bool Present, string? KeyId);

/// <summary>States of a cross-cluster API key on the remote, from GET /_security/api_key?id=.</summary>
public static class RemoteKeyState
{
    public const string Active = nameof(Active);
    public const string Missing = nameof(Missing);
    public const string Invalidated = nameof(Invalidated);
    public const string Expired = nameof(Expired);
    public const string RestType = nameof(RestType);

    /// <summary>The remote did not answer the lookup (an error status): the key's state is not known.</summary>
    public const string Unreadable = nameof(Unreadable);
}

/// <summary>The key id and its state on the remote.</summary>
public sealed record RemoteKeyEvidence(string Id, string State, string Detail)
{
    /// <summary>When the key expires; null when it never does or was not read.</summary>
    public DateTimeOffset? Expiration { get; init; }
}

/// <summary>
/// A diagnosis: Cause is a stable code (see <see cref="RemoteConnectionCause"/>), Evidence the message or facts it was
/// read from, RecommendedAction the concrete fix.
/// </summary>
public sealed record RemoteConnectionDiagnosis(RemoteConnectionCause Cause, string Summary, string Evidence, string RecommendedAction)
{
    /// <summary>Which evidence the cause rests on: node log, REST response, _remote/info, keystores, remote API key, TLS handshake seen from this machine.</summary>
    public IReadOnlyList<string> Basis { get; init; } = [];
}

/// <summary>Names of the kinds of evidence a diagnosis can rest on.</summary>
public static class EvidenceSource
{
    public const string NodeLog = "node log";
    public const string Response = "Elasticsearch response (_resolve/cluster, search)";
    public const string RemoteInfo = "_remote/info";
    public const string Keystore = "keystores";
    public const string RemoteKey = "API key on the remote";
    public const string Handshake = "TLS handshake seen from this machine";
    public const string RemoteSettings = "remote cluster settings";
}

/// <summary>
/// The stable cause codes. Their names are what Test-RemoteCluster reports as Cause and scripts match on, so a released
/// name never changes.
/// </summary>
public enum RemoteConnectionCause
{
    Unknown,
    RemoteCaNotTrusted,

    /// <summary>Certificate model: the remote does not trust the local cluster's transport CA.</summary>
    LocalCaNotTrustedByRemote,
    ServerNameMismatch,
    CredentialMissing,
    ApiKeyWrongPort,
    ApiKeyInvalid,
    RestApiKeyUsed,
    AliasNotRegistered,
    ProxyUnreachable,
    SniffModeAgainstEck,
    PointedAtHttpPort,
    TlsTerminatedInBetween,
    UnauthorizedIndices,
    ReloadUnauthorized,
    LoadBalancerMixesClusters,
    RemoteUnreachable,

    /// <summary>The remote cluster's remote_cluster_server is not enabled: nothing serves port 9443.</summary>
    RemoteClusterServerDisabled,

    /// <summary>The nodes' keystores hold different credentials (different key ids) for the alias.</summary>
    CredentialDiffersBetweenNodes,
}

/// <summary>What the cause codes imply for whoever waits on a connection.</summary>
public static class RemoteConnectionCauses
{
    /// <summary>Causes a wait can fix (a connection still coming up, a load balancer still provisioning); for all others, waiting is pointless.</summary>
    public static bool WaitingCanFix(string? cause) =>
        cause is null
        || (Enum.TryParse<RemoteConnectionCause>(cause, out var code)
            && code is RemoteConnectionCause.AliasNotRegistered or RemoteConnectionCause.ProxyUnreachable or RemoteConnectionCause.RemoteUnreachable or RemoteConnectionCause.Unknown);
}
