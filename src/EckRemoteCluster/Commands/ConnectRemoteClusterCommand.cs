using System.Management.Automation;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Registers a remote cluster on the local cluster in proxy mode and waits until the connection is really up
/// (a fresh _resolve/cluster check: PUT _cluster/settings returns before Elasticsearch connects).
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "RemoteCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RemoteCluster))]
public sealed class ConnectRemoteClusterCommand : EckRemoteClusterCmdlet
{
    /// <summary>The local (self-managed) cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The name the local cluster gives the remote; the keystore credential must use the same.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string Alias { get; set; } = string.Empty;

    /// <summary>host:port of the remote's exposed remote cluster server (9443) or transport (9300).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string ProxyAddress { get; set; } = string.Empty;

    /// <summary>The TLS server name to send; for ECK, &lt;name&gt;-es-remote-cluster.&lt;namespace&gt;.svc.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ServerName { get; set; }

    /// <summary>Whether searches skip this remote when it is unavailable (Elasticsearch's default: true since 8.15).</summary>
    [Parameter]
    public SwitchParameter SkipUnavailable { get; set; }

    /// <summary>How many sockets each node opens to the proxy address (Elasticsearch's default: 18).</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ProxySocketConnections { get; set; }

    /// <summary>
    /// How long to wait for the connection to come up: long enough for ECK to restart a node with the remote cluster
    /// server after Enable-EckRemoteClusterServer, which returns without waiting for the rollout.
    /// </summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    protected override void ProcessRecordCore()
    {
        var registration = new RemoteClusterRegistration(
            Alias,
            ProxyAddress,
            ServerName,
            MyInvocation.BoundParameters.ContainsKey(nameof(SkipUnavailable)) ? SkipUnavailable.IsPresent : null,
            MyInvocation.BoundParameters.ContainsKey(nameof(ProxySocketConnections)) ? ProxySocketConnections : null);
        var service = Engine.RemoteClusters;
        var client = Connection.Client;
        var change = RunWithReporting((_, token) => service.PlanRegistrationAsync(client, registration, token));
        if (change.IsEmpty)
        {
            WriteVerbose($"Remote cluster '{Alias}' is already registered with these settings.");
        }
        else if (ShouldProcess(Connection.ClusterName, $"Register remote cluster '{Alias}' at {ProxyAddress} ({string.Join(", ", change.Keys)})"))
        {
            RunWithReporting(async (_, token) =>
            {
                await service.ApplySettingsAsync(client, change, token).ConfigureAwait(false);
                return true;
            });
        }
        else
        {
            return;
        }

        RemoteClusterTestResult verified;
        try
        {
            verified = RunWithReporting((reporter, token) => service.WaitConnectedAsync(client, Alias, Connection.Version, Timeout, reporter, token));
        }
        catch (EckRemoteClusterException failure) when (!change.IsEmpty && change.Undo is { } undo)
        {
            // A registration that cannot connect is a half-applied change: put back what was there (perhaps a
            // working registration), then report why it did not connect.
            RunWithReporting(async (_, token) =>
            {
                await service.ApplySettingsAsync(client, undo, token).ConfigureAwait(false);
                return true;
            });
            throw new EckRemoteClusterException(
                failure.ErrorId,
                failure.Category,
                failure.Message + $" The settings of '{Alias}' were put back as they were.",
                failure.RecommendedAction,
                Alias,
                failure);
        }

        var remotes = RunWithReporting((_, token) => service.GetAsync(client, Connection.ClusterName, token));
        WriteObject(remotes.First(r => r.Alias == Alias).WithVerifiedConnection(verified.Connected));
    }
}
