namespace EckRemoteCluster.Engine.Estate;

/// <summary>Whether something the link needs exists, and whether it is as the file wants it.</summary>
internal enum ObservedState
{
    Absent,
    Differs,
    AsWanted,
}

/// <summary>The credential for the alias across the local nodes' keystores.</summary>
internal enum ObservedCredential
{
    /// <summary>No node holds it.</summary>
    Missing,

    /// <summary>Some nodes hold it and others do not, or they hold different values.</summary>
    Inconsistent,

    /// <summary>Every node holds the same value.</summary>
    Same,
}

/// <summary>The cross-cluster API key the nodes' credential names, as the ECK cluster knows it (Found false: no such key there).</summary>
internal sealed record ObservedKey(
    string Id,
    bool Found,
    bool Invalidated,
    IReadOnlyList<string> Search,
    IReadOnlyList<string> Replication,
    DateTime? Creation,
    DateTime? Expiration);

/// <summary>
/// What is in place for one link, read from the ECK cluster, the local cluster and its nodes before anything changes.
/// Plain values only, so the planner that compares them with the file is a pure function.
/// </summary>
internal sealed record ObservedLink(
    bool RemoteClusterServerEnabled,
    ObservedState Publish,
    ObservedState EckTrust,
    ObservedState Trust,
    ObservedCredential Credential,
    ObservedKey? Key,
    ObservedState Registration,
    IReadOnlyDictionary<string, RoleChange> Roles,
    string? PublishDetail = null,
    string? RegistrationDetail = null);

/// <summary>One planned step: what, which action, and why in words.</summary>
internal sealed record PlannedStep(EstateStep Step, EstateAction Action, string Detail, string? Target = null);
