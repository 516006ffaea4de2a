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
}

/// <summary>
/// A diagnosis: Cause is a stable code (see <see cref="RemoteConnectionCause"/>), Evidence the message or facts it was
/// read from, RecommendedAction the concrete fix.
/// </summary>
public sealed record RemoteConnectionDiagnosis(string Cause, string Summary, string Evidence, string RecommendedAction);

/// <summary>The stable cause codes.</summary>
public static class RemoteConnectionCause
{
    public const string RemoteCaNotTrusted = nameof(RemoteCaNotTrusted);

    /// <summary>Certificate model: the remote does not trust the local cluster's transport CA.</summary>
    public const string LocalCaNotTrustedByRemote = nameof(LocalCaNotTrustedByRemote);
    public const string ServerNameMismatch = nameof(ServerNameMismatch);
    public const string CredentialMissing = nameof(CredentialMissing);
    public const string ApiKeyWrongPort = nameof(ApiKeyWrongPort);
    public const string ApiKeyInvalid = nameof(ApiKeyInvalid);
    public const string RestApiKeyUsed = nameof(RestApiKeyUsed);
    public const string AliasNotRegistered = nameof(AliasNotRegistered);
    public const string ProxyUnreachable = nameof(ProxyUnreachable);
    public const string SniffModeAgainstEck = nameof(SniffModeAgainstEck);
    public const string PointedAtHttpPort = nameof(PointedAtHttpPort);
    public const string TlsTerminatedInBetween = nameof(TlsTerminatedInBetween);
    public const string UnauthorizedIndices = nameof(UnauthorizedIndices);
    public const string ReloadUnauthorized = nameof(ReloadUnauthorized);
    public const string LoadBalancerMixesClusters = nameof(LoadBalancerMixesClusters);
    public const string RemoteUnreachable = nameof(RemoteUnreachable);
    public const string Unknown = nameof(Unknown);
}
