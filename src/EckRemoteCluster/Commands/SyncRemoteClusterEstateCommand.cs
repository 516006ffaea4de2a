using System.Management.Automation;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Makes the estate a YAML file declares (docs/estate.md) true: for each link between a self-managed cluster and an
/// ECK cluster, the remote cluster server, its Service, the trust, the cross-cluster key, the keystores, the
/// registration and the roles. Under -WhatIf it writes the plan, one row per link and step; otherwise one result per
/// link. Links run in parallel; a link that fails does not stop the others, and the next run continues it.
/// </summary>
[Cmdlet(VerbsData.Sync, "RemoteClusterEstate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RemoteClusterEstateResult), typeof(RemoteClusterEstateStep))]
public sealed class SyncRemoteClusterEstateCommand : EckRemoteClusterCmdlet
{
    /// <summary>The estate file (YAML). Relative paths inside it are relative to the file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>How many links are read and applied at the same time; 4 by default.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>How long each wait for ECK (rollout, load balancer address) may take; 20 minutes by default.</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How long a changed link may take to connect at the end; 60 seconds by default.</summary>
    [Parameter]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Applies without asking for each link (not with -WhatIf).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordCore()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var document = ReadEstate(this, path);
        using var targets = new EstateTargets(this, System.IO.Path.GetDirectoryName(path)!);
        var locals = document.LocalClusters.Select(l => targets.Resolve(l)).ToList();
        var throttle = ThrottleLimit;
        var plans = RunWithReporting((reporter, token) => Engine.Estate.PlanAsync(document, locals, throttle, reporter, token));

        if (WhatIfRequested())
        {
            foreach (var plan in plans)
            {
                WriteObject(plan.Rows, enumerateCollection: true);
            }

            return;
        }

        var approved = new List<EstateLinkPlan>();
        var declined = new List<EstateLinkPlan>();
        foreach (var plan in plans)
        {
            var target = plan.Eck is null ? $"{plan.Local.Spec.Name}/{plan.Alias}" : $"{plan.Local.Spec.Name}/{plan.Alias} -> ECK {plan.Eck.Name} ({plan.Eck.Namespace}/{plan.Eck.Cluster})";
            (plan.ChangesNothing || ChangeConfirmation.ShouldChange(this, Force, target, plan.Describe()) ? approved : declined).Add(plan);
        }

        var timings = new EstateTimings(Timeout, ConnectTimeout, RollingRestartTimings.Default);
        var results = RunWithReporting((reporter, token) => Engine.Estate.ApplyAsync(approved, throttle, timings, reporter, token));
        foreach (var result in results)
        {
            WriteObject(result);
            if (result.State == EstateLinkState.Failed)
            {
                WriteError(ErrorRecords.Create(
                    new InvalidOperationException($"{result.Local}/{result.Alias}: {result.Failure}"),
                    ErrorIds.EstateLinkFailed,
                    ErrorCategory.NotSpecified,
                    result,
                    "Fix the cause named in the message, then run Sync-RemoteClusterEstate again: it continues from what is in place. "
                    + "Test-RemoteCluster -Alias <alias> diagnoses a link that does not connect."));
            }
        }

        foreach (var plan in declined)
        {
            WriteObject(new RemoteClusterEstateResult(plan.Local.Spec.Name, plan.Alias, plan.Eck?.Name ?? string.Empty, EstateLinkState.Skipped, plan.Rows, false, plan.ObservedKeyId, TimeSpan.Zero, null));
        }
    }

    /// <summary>Reads and parses the estate file; a missing file or a bad one stops here, before anything is read from a cluster.</summary>
    internal static EstateDocument ReadEstate(EckRemoteClusterCmdlet cmdlet, string path)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EckRemoteClusterException(ErrorIds.EstateFileNotFound, EckErrorCategory.ObjectNotFound,
                $"The estate file '{path}' cannot be read: {e.Message}",
                "Give the path of an estate file (docs/estate.md), or write one from a running cluster with Export-RemoteClusterEstate.",
                path, e);
        }

        return Engine.Estate.Read(yaml, path);
    }

    private bool WhatIfRequested() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
            ? value is SwitchParameter { IsPresent: true }
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
}
