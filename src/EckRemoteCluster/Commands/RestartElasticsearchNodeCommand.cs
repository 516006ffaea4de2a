using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Remoting;

namespace EckRemoteCluster.Commands;

/// <summary>
/// A rolling restart of self-managed nodes, one at a time, as Elasticsearch documents it: replicas held back
/// (cluster.routing.allocation.enable: primaries), a flush, the restart (systemd or the Windows service through the
/// node's PSSession, or -RestartCommand), the node back with the same id, allocation put back, and the health it had
/// before. Takes the RestartRequired results of Add-RemoteClusterTrust and Move-RemoteClusterToApiKey from the
/// pipeline, and PSSessions. Every node is identified in the cluster before the first one restarts; a failure stops
/// the rolling restart with allocation put back, and so does Ctrl+C.
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "ElasticsearchNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ElasticsearchNodeRestart))]
public sealed class RestartElasticsearchNodeCommand : EckRemoteClusterCmdlet
{
    private readonly List<(PSSession? Session, string? ConfigPath)> _targets = [];

    /// <summary>The cluster the nodes belong to, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>Sessions to the nodes (New-PSSession, WinRM or SSH); the service is restarted through them.</summary>
    [Parameter]
    public PSSession[] Session { get; set; } = [];

    /// <summary>
    /// The nodes' config directories. With -Session, the directory on that node (otherwise it is found: ES_PATH_CONF of
    /// the service, /etc/elasticsearch, the MSI's ProgramData path, or the running process's path.conf); without it,
    /// local or share paths, and -RestartCommand restarts them.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    /// <summary>
    /// From the pipeline: results of Add-RemoteClusterTrust and Move-RemoteClusterToApiKey (the nodes that need a
    /// restart), PSSessions, node configs from Get-ElasticsearchNodeConfig, or config directory paths.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// Restarts one node instead of systemd or the Windows service; $_ (and the first argument) is the node:
    /// NodeName, ConfigPath, Session. It must return once the node process was restarted, or throw.
    /// </summary>
    [Parameter]
    public ScriptBlock? RestartCommand { get; set; }

    /// <summary>The service to restart through the session: elasticsearch.service (systemd) or elasticsearch-service-x64 (Windows) by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ServiceName { get; set; }

    /// <summary>How long to wait for a node to rejoin after its restart (10 minutes by default).</summary>
    [Parameter]
    public TimeSpan RejoinTimeout { get; set; } = RollingRestartTimings.Default.RejoinTimeout;

    /// <summary>How long to wait for the cluster to come back to the health it had before each restart (30 minutes by default).</summary>
    [Parameter]
    public TimeSpan HealthTimeout { get; set; } = RollingRestartTimings.Default.HealthTimeout;

    /// <summary>Restart without asking for confirmation (not with -WhatIf).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecordCore()
    {
        if (InputObject?.BaseObject is { } input)
        {
            AddInput(input);
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            if (Session.Length > 0 && ConfigPath.Length > 0 && ConfigPath.Length != Session.Length)
            {
                throw new EckRemoteClusterException(ErrorIds.SessionConfigPathMismatch, EckErrorCategory.InvalidArgument,
                    $"{Session.Length} sessions and {ConfigPath.Length} config paths: with -Session, -ConfigPath gives each session's config directory, one per session. Nothing was changed.",
                    "Give one -ConfigPath per -Session in the same order, or leave -ConfigPath out to have each node's found.");
            }

            for (var i = 0; i < Session.Length; i++)
            {
                _targets.Add((Session[i], ConfigPath.Length > 0 ? ConfigPath[i] : null));
            }

            if (Session.Length == 0)
            {
                _targets.AddRange(ProviderPaths.ResolveDirectories(this, ConfigPath).Select(p => ((PSSession?)null, (string?)p)));
            }

            RestartAll();
        }
        catch (EckRemoteClusterException ex)
        {
            ThrowTerminating(ex);
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private void AddInput(object input)
    {
        switch (input)
        {
            case PSSession session:
                _targets.Add((session, null));
                break;
            case RemoteClusterTrustResult trust when trust.RestartRequired:
                _targets.Add((trust.Session, trust.ConfigPath));
                break;
            case RemoteClusterTrustResult trust:
                WriteVerbose($"{trust.ConfigPath}: no restart required.");
                break;
            case RemoteClusterMigration { State: RemoteClusterMigrationState.RestartRequired } migration when migration.RestartNodes.Count > 0:
                _targets.AddRange(migration.RestartNodes.Select(node => ((node.Files as SessionNodeFiles)?.Session, (string?)node.ConfigPath)));
                break;
            case RemoteClusterMigration { State: RemoteClusterMigrationState.RestartRequired } migration:
                _targets.AddRange(migration.RestartRequired.Select(path => ((PSSession?)null, (string?)path)));
                break;
            case RemoteClusterMigration migration:
                WriteVerbose($"{migration.Alias}: {migration.State}, no restart required.");
                break;
            case ElasticsearchNodeConfig config:
                _targets.Add((config.Session, config.ConfigPath));
                break;
            case string path:
                _targets.AddRange(ProviderPaths.ResolveDirectories(this, [path]).Select(p => ((PSSession?)null, (string?)p)));
                break;
            default:
                WriteError(ErrorRecords.From(new EckRemoteClusterException(ErrorIds.UnsupportedNodeInput, EckErrorCategory.InvalidArgument,
                    $"Restart-ElasticsearchNode does not know which node a {input.GetType().Name} is.",
                    "Pipe PSSessions, the results of Add-RemoteClusterTrust or Move-RemoteClusterToApiKey, Get-ElasticsearchNodeConfig objects or config paths.",
                    input)));
                break;
        }
    }

    private void RestartAll()
    {
        if (_targets.Count == 0)
        {
            WriteVerbose("No node to restart.");
            return;
        }

        // Every node is identified (and found in the cluster) before the first restart: bad input changes nothing.
        var nodes = RunWithReporting(async (reporter, token) =>
        {
            var found = new List<NodeRestartRequest>();
            foreach (var (session, path) in _targets)
            {
                found.Add(await IdentifyAsync(session, path, reporter, token));
            }

            var ids = await Engine.NodeRestarts.FindNodesAsync(Connection.Client, [.. found.Select(n => n.NodeName).Distinct(StringComparer.Ordinal)], token);
            return (found, ids);
        });

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var timings = RollingRestartTimings.Default with { RejoinTimeout = RejoinTimeout, HealthTimeout = HealthTimeout };
        var index = 0;
        foreach (var node in nodes.found)
        {
            index++;
            if (!seen.Add(node.NodeName))
            {
                WriteVerbose($"{node.NodeName} ({node.Location}) was given twice; it is restarted once.");
                continue;
            }

            var action = $"Rolling restart ({node.Method}): allocation to primaries, flush, restart, wait for it to rejoin, allocation back, wait for the cluster's health";
            if (!ChangeConfirmation.ShouldChange(this, Force, $"Elasticsearch node {node.NodeName} ({nodes.ids[node.NodeName]}) at {node.Location}", action))
            {
                continue;
            }

            WriteProgress(new ProgressRecord(1, "Restart-ElasticsearchNode", $"{node.NodeName}: node {index} of {nodes.found.Count}")
            {
                PercentComplete = 100 * (index - 1) / nodes.found.Count,
            });
            var outcome = RunWithReporting((reporter, token) => Engine.NodeRestarts.RestartAsync(Connection.Client, node, timings, reporter, token));
            WriteObject(new ElasticsearchNodeRestart(outcome.NodeName, outcome.NodeId, node.Location, node.Method, outcome.HealthBefore, outcome.HealthAfter,
                outcome.AllocationEnable, outcome.Duration));
        }

        WriteProgress(new ProgressRecord(1, "Restart-ElasticsearchNode", "Done") { RecordType = ProgressRecordType.Completed });
    }

    private async Task<NodeRestartRequest> IdentifyAsync(PSSession? session, string? configPath, IOperationReporter reporter, CancellationToken token)
    {
        if (session is not null)
        {
            var remote = await RemoteNode.FindAsync(session, configPath, ServiceName, token);
            reporter.Verbose($"{SessionCommand.Describe(session)}: config directory {remote.ConfigPath} ({remote.ConfigSource}).");
            var name = Engine.NodeRestarts.NodeNameFromConfig(Decode(remote.ElasticsearchYml), $"{remote.Location}/elasticsearch.yml", remote.HostName);
            if (RestartCommand is not null)
            {
                return new NodeRestartRequest(name, remote.Location, NodeRestartMethod.Command, t => RunRestartCommand(name, remote.ConfigPath, session));
            }

            return new NodeRestartRequest(name, remote.Location, remote.IsWindows ? NodeRestartMethod.WindowsService : NodeRestartMethod.Systemd,
                t => remote.RestartServiceAsync(ServiceName, t));
        }

        var path = configPath!;
        var ymlPath = Path.Combine(path, "elasticsearch.yml");
        byte[] yml;
        try
        {
            yml = await File.ReadAllBytesAsync(ymlPath, token);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EckRemoteClusterException(ErrorIds.ConfigPathNotFound, EckErrorCategory.ReadError, $"Cannot read {ymlPath}: {e.Message}",
                "Give the node's config directory (the folder with elasticsearch.yml), or reach the node with -Session.", path, e);
        }

        var nodeName = Engine.NodeRestarts.NodeNameFromConfig(Decode(yml), ymlPath, Environment.MachineName);
        if (RestartCommand is null)
        {
            throw new EckRemoteClusterException(ErrorIds.NodeRestartMethodMissing, EckErrorCategory.InvalidArgument,
                $"{path} is reached as a path, so the module cannot restart its node's service. Nothing was changed.",
                "Reach the node through a PSSession (-Session, or pipe New-PSSession's sessions) to restart its service, or give -RestartCommand.",
                path);
        }

        return new NodeRestartRequest(nodeName, path, NodeRestartMethod.Command, _ => RunRestartCommand(nodeName, path, null));
    }

    private static string Decode(byte[] yml) => new UTF8Encoding(false).GetString(yml).TrimStart('\uFEFF');

    /// <summary>-RestartCommand runs on the pipeline thread (a script block belongs to its runspace), with $_ the node.</summary>
    private Task RunRestartCommand(string nodeName, string configPath, PSSession? session) => OnPipelineThread(() =>
    {
        var node = new PSObject();
        node.Properties.Add(new PSNoteProperty("NodeName", nodeName));
        node.Properties.Add(new PSNoteProperty("ConfigPath", configPath));
        node.Properties.Add(new PSNoteProperty("Session", session));
        try
        {
            RestartCommand!.InvokeWithContext(null, [new PSVariable("_", node)], node);
        }
        catch (RuntimeException e) when (e is not PipelineStoppedException)
        {
            throw new EckRemoteClusterException(ErrorIds.NodeRestartFailed, EckErrorCategory.InvalidOperation,
                $"-RestartCommand failed for {nodeName}: {e.Message}",
                "Fix the restart command (it gets the node as $_: NodeName, ConfigPath, Session) and run Restart-ElasticsearchNode again.",
                nodeName, e);
        }
    });
}
