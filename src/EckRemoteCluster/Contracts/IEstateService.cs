using System.Security;

namespace EckRemoteCluster.Contracts;

/// <summary>One node of a local cluster, reached: its files, its node.name (null when unreadable) and how to restart it (null: no way known).</summary>
internal sealed record EstateLocalNode(NodeDirectory Directory, string? NodeName, NodeRestartRequest? Restart);

/// <summary>A local cluster of the estate with what the cmdlet resolved for it: a verified connection, its nodes, the keystore password.</summary>
internal sealed record EstateLocalTarget(
    EstateLocalCluster Spec,
    ElasticsearchConnection Connection,
    IReadOnlyList<EstateLocalNode> Nodes,
    SecureString? KeystorePassword);

/// <summary>The plan for one link (or one registration to remove): its rows, and what applying it needs.</summary>
internal sealed record EstateLinkPlan(
    EstateLocalTarget Local,
    string Alias,
    EstateLink? Link,
    EstateEckCluster? Eck,
    IReadOnlyList<RemoteClusterEstateStep> Rows,
    string? ObservedKeyId)
{
    public bool ChangesNothing => Rows.All(r => r.Action == EstateAction.Unchanged);

    /// <summary>"dc1/prod-eck: ApiKey create, Credential create" for confirmation prompts.</summary>
    public string Describe() =>
        $"{Local.Spec.Name}/{Alias}: " + string.Join(", ", Rows.Where(r => r.Action != EstateAction.Unchanged).Select(r => $"{r.Step} {r.Action.ToString().ToLowerInvariant()}"));
}

/// <summary>Timeouts of an apply: each wait for ECK (rollout, address) and the wait for a link to connect.</summary>
internal sealed record EstateTimings(TimeSpan EckTimeout, TimeSpan ConnectTimeout, RollingRestartTimings Restart);

/// <summary>
/// The declarative estate (Sync-/Export-RemoteClusterEstate): a YAML file read and written, a plan made by comparing
/// it with what is in place, and the plan applied with the same services as the cmdlets of each step.
/// </summary>
internal interface IEstateService
{
    /// <summary>Parses an estate file; EstateFileInvalid with the line and column of every problem.</summary>
    EstateDocument Read(string yaml, string source);

    /// <summary>The YAML of a document, which <see cref="Read"/> reads back to the same document.</summary>
    string Write(EstateDocument document, string? header);

    /// <summary>Reads what is in place for every link (nothing is written) and plans each step; links in parallel up to <paramref name="throttleLimit"/>.</summary>
    Task<IReadOnlyList<EstateLinkPlan>> PlanAsync(
        EstateDocument document, IReadOnlyList<EstateLocalTarget> locals, int throttleLimit, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the plans: links in parallel up to <paramref name="throttleLimit"/>, the steps of a link as soon as their
    /// inputs are ready. A link that fails is reported as Failed; the others go on.
    /// </summary>
    Task<IReadOnlyList<RemoteClusterEstateResult>> ApplyAsync(
        IReadOnlyList<EstateLinkPlan> plans, int throttleLimit, EstateTimings timings, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>
    /// The estate of one local cluster as it is: its registered remotes, the ECK clusters behind them (found through
    /// the kubeconfig's contexts by the published addresses), the keys' access and expiration, and the local roles
    /// that reach them. Aliases whose ECK cluster is not found are left out, with a warning.
    /// </summary>
    Task<EstateDocument> ExportAsync(EstateLocalTarget local, string? kubeConfig, IOperationReporter reporter, CancellationToken cancellationToken);
}
