namespace EckRemoteCluster;

/// <summary>
/// The health of one remote cluster connection: a fresh check (_resolve/cluster), and when it is down, what
/// Elasticsearch said, the likely cause and what to do about it.
/// </summary>
public sealed class RemoteClusterTestResult(
    string alias,
    bool connected,
    string? mode,
    string? address,
    string? serverName,
    RemoteClusterSecurityModel? securityModel,
    string? remoteVersion,
    string? cause,
    string? evidence,
    string? recommendedAction,
    IReadOnlyList<NodeCredentialCheck> nodeCredentials,
    string? searchedIndex = null,
    long? searchHits = null,
    IReadOnlyList<string>? sampleDocuments = null,
    IReadOnlyList<string>? evidenceSources = null)
{
    public string Alias { get; } = alias;

    public bool Connected { get; } = connected;

    public string? Mode { get; } = mode;

    /// <summary>proxy_address in proxy mode, the seeds in sniff mode.</summary>
    public string? Address { get; } = address;

    public string? ServerName { get; } = serverName;

    public RemoteClusterSecurityModel? SecurityModel { get; } = securityModel;

    /// <summary>The remote's Elasticsearch version, when connected.</summary>
    public string? RemoteVersion { get; } = remoteVersion;

    /// <summary>A short code for what is wrong (RemoteCaNotTrusted, CredentialMissing…), null when healthy.</summary>
    public string? Cause { get; } = cause;

    /// <summary>What the cause was read from, quoted: Elasticsearch's message, the node log lines, the handshake seen from this machine.</summary>
    public string? Evidence { get; } = evidence;

    /// <summary>Which kinds of evidence the cause rests on (node log, Elasticsearch response, keystores, API key on the remote, TLS handshake seen from this machine…).</summary>
    public IReadOnlyList<string> EvidenceSources { get; } = evidenceSources ?? [];

    public string? RecommendedAction { get; } = recommendedAction;

    /// <summary>With -ConfigPath: whether every node's keystore holds this alias's credential, and the same one.</summary>
    public IReadOnlyList<NodeCredentialCheck> NodeCredentials { get; } = nodeCredentials;

    /// <summary>With -SearchIndex: the alias:index pattern searched through the connection.</summary>
    public string? SearchedIndex { get; } = searchedIndex;

    /// <summary>With -SearchIndex: how many documents the cross-cluster search found.</summary>
    public long? SearchHits { get; } = searchHits;

    /// <summary>With -SearchIndex: the _source of up to three documents found, as JSON.</summary>
    public IReadOnlyList<string> SampleDocuments { get; } = sampleDocuments ?? [];

    public override string ToString() => Connected ? $"{Alias}: connected" : $"{Alias}: {Cause}";
}

/// <summary>Whether one node's keystore holds a remote's credential, and whether it matches the other nodes'.</summary>
public sealed class NodeCredentialCheck
{
    public NodeCredentialCheck(string configPath, bool present, bool sameAsOtherNodes, string? keyId = null)
    {
        KeyId = keyId;
        ConfigPath = configPath;
        Present = present;
        SameAsOtherNodes = sameAsOtherNodes;
    }

    public string ConfigPath { get; }

    public bool Present { get; }

    public bool SameAsOtherNodes { get; }

    /// <summary>The id of the API key the credential holds (the part before ':' of the decoded value); null when absent or not a key.</summary>
    public string? KeyId { get; }
}
