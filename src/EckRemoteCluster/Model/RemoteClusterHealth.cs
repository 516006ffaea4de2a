namespace EckRemoteCluster;

/// <summary>
/// The values of <see cref="RemoteClusterHealth.Status"/> and <see cref="RemoteClusterHealthFinding.Severity"/>. They
/// are strings, so that ConvertTo-Json writes them as words a monitoring system can match.
/// </summary>
public static class RemoteClusterHealthStatus
{
    public const string Healthy = nameof(Healthy);
    public const string Warning = nameof(Warning);
    public const string Error = nameof(Error);

    /// <summary>0 Healthy, 1 Warning, 2 Error: for comparing a status with a threshold such as -FailOn.</summary>
    public static int Rank(string status) => status switch
    {
        Error => 2,
        Warning => 1,
        _ => 0,
    };
}

/// <summary>
/// The day-2 health of one remote cluster connection: whether it is connected, when its API key and the CAs it rests on
/// expire, which nodes drifted from the others or from ECK, and what to do about each finding. Holds no secret: the key
/// appears only by its id.
/// </summary>
public sealed class RemoteClusterHealth(
    string alias,
    bool connected,
    string? securityModel,
    string? apiKeyId,
    DateTime? apiKeyExpiration,
    int? apiKeyExpiresInDays,
    DateTime? caExpiration,
    int? caExpiresInDays,
    string[]? credentialDrift,
    string[]? trustDrift,
    RemoteClusterHealthFinding[] findings,
    DateTime checkedAt)
{
    public string Alias { get; } = alias;

    /// <summary>A fresh check (_resolve/cluster) connected.</summary>
    public bool Connected { get; } = connected;

    /// <summary>ApiKey or Certificate; null when the alias is not registered.</summary>
    public string? SecurityModel { get; } = securityModel;

    /// <summary>The id of the cross-cluster API key the nodes' keystores hold (the id half of the credential); null without nodes.</summary>
    public string? ApiKeyId { get; } = apiKeyId;

    /// <summary>When the key expires, as the remote cluster says (UTC); null when it never does or was not read.</summary>
    public DateTime? ApiKeyExpiration { get; } = apiKeyExpiration;

    /// <summary>Whole days until the key expires (negative once expired); null when it never does or was not read.</summary>
    public int? ApiKeyExpiresInDays { get; } = apiKeyExpiresInDays;

    /// <summary>The earliest expiry (UTC) among the nodes' CA files, the CA certificates the remote serves and ECK's transport CA.</summary>
    public DateTime? CaExpiration { get; } = caExpiration;

    /// <summary>Whole days until <see cref="CaExpiration"/>; null when no CA was seen.</summary>
    public int? CaExpiresInDays { get; } = caExpiresInDays;

    /// <summary>Nodes whose keystore lacks the credential or holds another one than the others; null when no nodes were given.</summary>
    public string[]? CredentialDrift { get; } = credentialDrift;

    /// <summary>Nodes whose CA files do not match ECK's current transport CA (or, without an ECK cluster, the other nodes'); null when no nodes were given.</summary>
    public string[]? TrustDrift { get; } = trustDrift;

    /// <summary>Healthy, Warning or Error: the most severe finding.</summary>
    public string Status { get; } = findings.Select(f => f.Severity).OrderByDescending(RemoteClusterHealthStatus.Rank).FirstOrDefault() ?? RemoteClusterHealthStatus.Healthy;

    /// <summary>What is wrong or about to be, each with its evidence and the cmdlet that fixes it.</summary>
    public RemoteClusterHealthFinding[] Findings { get; } = findings;

    /// <summary>When the check ran (UTC).</summary>
    public DateTime CheckedAt { get; } = checkedAt;

    public override string ToString() => $"{Alias}: {Status}";
}

/// <summary>One thing wrong with a remote cluster connection, what shows it, and the cmdlet that fixes it.</summary>
public sealed class RemoteClusterHealthFinding(string code, string severity, string evidence, string fixedBy, string recommendedAction)
{
    /// <summary>A stable code: NotConnected, ApiKeyExpiring, ApiKeyUnusable, CaExpiring, CredentialMissingOnNodes, CredentialDiffersOnNodes, TrustDrift…</summary>
    public string Code { get; } = code;

    /// <summary>Warning or Error.</summary>
    public string Severity { get; } = severity;

    /// <summary>What the finding was read from, quoted.</summary>
    public string Evidence { get; } = evidence;

    /// <summary>The cmdlet that fixes it, e.g. Update-RemoteClusterCredential.</summary>
    public string FixedBy { get; } = fixedBy;

    /// <summary>The fix, as a command line to adapt.</summary>
    public string RecommendedAction { get; } = recommendedAction;

    public override string ToString() => $"{Severity} {Code}: {Evidence}";
}

/// <summary>What Watch-RemoteCluster writes when an alias's state changes: before, after, and the new health.</summary>
public sealed class RemoteClusterHealthChange(
    string alias,
    DateTime changedAt,
    bool? previousConnected,
    string? previousStatus,
    string[] changes,
    RemoteClusterHealth health)
{
    public string Alias { get; } = alias;

    /// <summary>When the check that saw the change ran (UTC).</summary>
    public DateTime ChangedAt { get; } = changedAt;

    /// <summary>Null on the first report of an alias.</summary>
    public bool? PreviousConnected { get; } = previousConnected;

    public bool Connected { get; } = health.Connected;

    /// <summary>Null on the first report of an alias.</summary>
    public string? PreviousStatus { get; } = previousStatus;

    public string Status { get; } = health.Status;

    /// <summary>What changed, one line each: "Connected: True -> False", "+ CredentialMissingOnNodes (Error)".</summary>
    public string[] Changes { get; } = changes;

    public RemoteClusterHealth Health { get; } = health;

    public override string ToString() => $"{Alias}: {PreviousStatus ?? "(new)"} -> {Status}";
}
