using System.Management.Automation;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Creates or updates a local role granting access to indices of remote clusters (remote_indices, and remote_cluster
/// on 8.15 and later): the last step of the API-key setup. Roles restrict what the API key allows, never extend it.
/// </summary>
[Cmdlet(VerbsCommon.Set, "RemoteClusterRole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RemoteClusterRole))]
public sealed class SetRemoteClusterRoleCommand : EckRemoteClusterCmdlet
{
    /// <summary>The local cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The role's name.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>The remote cluster aliases the role applies to (patterns such as prod-* allowed).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string[] Alias { get; set; } = [];

    /// <summary>Index name patterns on the remote clusters.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [Alias("Index")]
    public string[] SearchIndex { get; set; } = [];

    /// <summary>Index privileges; read and read_cross_cluster for cross-cluster search.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Privilege { get; set; } = ["read", "read_cross_cluster", "view_index_metadata"];

    /// <summary>remote_cluster privileges (8.15 and later): monitor_enrich, monitor_stats.</summary>
    [Parameter]
    [ValidateSet("monitor_enrich", "monitor_stats")]
    public string[] RemoteClusterPrivilege { get; set; } = [];

    protected override void ProcessRecordCore()
    {
        var role = new RemoteRoleRequest(Name, Alias, SearchIndex, Privilege, RemoteClusterPrivilege);
        var client = Connection.Client;
        var service = Engine.RemoteClusters;
        var change = RunWithReporting((_, token) => service.PlanRoleAsync(client, role, Connection.Version, token));
        if (change == RoleChange.Unchanged)
        {
            WriteVerbose($"Role '{Name}' already grants exactly this.");
        }
        else if (ShouldProcess($"role '{Name}' on {Connection.ClusterName}", change == RoleChange.Created ? "Create" : "Update"))
        {
            RunWithReporting(async (_, token) =>
            {
                await service.PutRoleAsync(client, role, token).ConfigureAwait(false);
                return true;
            });
        }
        else
        {
            return;
        }

        WriteObject(new RemoteClusterRole(Name, Alias, SearchIndex, Privilege, RemoteClusterPrivilege, change));
    }
}
