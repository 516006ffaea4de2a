namespace EckRemoteCluster;

/// <summary>How applying one link ended.</summary>
public enum EstateLinkState
{
    /// <summary>Every step is as the file says, and the remote is connected.</summary>
    Converged,

    /// <summary>Every file and setting is in place, but nodes must be restarted (static trust settings) before the remote connects.</summary>
    RestartRequired,

    /// <summary>A step failed; the steps before it stay done, and the next run continues from there.</summary>
    Failed,

    /// <summary>The registration was removed (prune).</summary>
    Removed,

    /// <summary>Declined at the confirmation prompt: nothing of this link was changed.</summary>
    Skipped,
}

/// <summary>What Sync-RemoteClusterEstate did to one link.</summary>
public sealed class RemoteClusterEstateResult(
    string local,
    string alias,
    string eckCluster,
    EstateLinkState state,
    IReadOnlyList<RemoteClusterEstateStep> steps,
    bool connected,
    string? apiKeyId,
    TimeSpan duration,
    string? failure)
{
    public string Local { get; } = local;

    public string Alias { get; } = alias;

    public string EckCluster { get; } = eckCluster;

    public EstateLinkState State { get; } = state;

    /// <summary>The steps as they were applied (Unchanged for those that needed nothing).</summary>
    public IReadOnlyList<RemoteClusterEstateStep> Steps { get; } = steps;

    /// <summary>The steps that changed something, for the table view: "ApiKey:Create, Credential:Create".</summary>
    public string Changes => string.Join(", ", Steps.Where(s => s.Action != EstateAction.Unchanged).Select(s => $"{s.Step}:{s.Action}"));

    /// <summary>Whether a fresh check found the remote connected at the end.</summary>
    public bool Connected { get; } = connected;

    /// <summary>The id of the API key the nodes hold now (API-key model).</summary>
    public string? ApiKeyId { get; } = apiKeyId;

    public TimeSpan Duration { get; } = duration;

    /// <summary>Why the link failed (State Failed), with what to do.</summary>
    public string? Failure { get; } = failure;

    public override string ToString() => $"{Local}/{Alias}: {State}";
}
