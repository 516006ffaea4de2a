using System.Management.Automation;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Keeps every local node's CA file for a remote in step with the ECK cluster's transport CA: after ECK rotates its CA
/// the new one is added next to the old one (Elasticsearch re-reads the file, no restart), and the old one is removed
/// once the remote presents a chain the new CA alone trusts and a fresh check through the alias succeeds. A run that
/// cannot prove that yet keeps the old CA and says why: run it periodically and it converges. For a remote registered
/// with the certificate model the ECK side follows too: the CA the local nodes' transport certificates chain to is
/// added to the ECK cluster's trust (an EckTransportTrust result, as Add-EckTransportTrust writes it).
/// </summary>
[Cmdlet(VerbsData.Sync, "RemoteClusterTrust", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RemoteClusterTrustSync), typeof(EckTransportTrust))]
public sealed class SyncRemoteClusterTrustCommand : EckClusterNodeFilesCmdlet
{
    /// <summary>The local (self-managed) cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The alias the ECK cluster is registered under on the local cluster.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string Alias { get; set; } = string.Empty;

    /// <summary>How long each check of the remote may wait for it to connect; 60 seconds by default.</summary>
    [Parameter]
    public TimeSpan VerifyTimeout { get; set; } = TimeSpan.FromSeconds(60);

    private protected override void ProcessNodes(NodeSelection nodes)
    {
        Engine.Rules.ValidateRemoteClusterAlias(Alias);
        var directories = nodes.Resolve(this);
        var cluster = ReadCluster();
        var request = new TrustSyncRequest(Connection, Alias, cluster, directories, KeystorePassword, VerifyTimeout);
        var confirmation = new PipelineConfirmation(this);
        if (RunWithReporting((reporter, token) => Engine.TrustSync.SyncAsync(request, confirmation, reporter, token)) is { } outcome)
        {
            if (outcome.EckTrust is { } eckTrust)
            {
                WriteObject(eckTrust);
            }

            WriteObject(outcome.Nodes, enumerateCollection: true);
        }
    }
}
