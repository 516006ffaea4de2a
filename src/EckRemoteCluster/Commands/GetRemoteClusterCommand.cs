using System.Management.Automation;
using EckRemoteCluster.Completion;

namespace EckRemoteCluster.Commands;

/// <summary>Lists the remote clusters registered on the local cluster (GET /_remote/info).</summary>
[Cmdlet(VerbsCommon.Get, "RemoteCluster")]
[OutputType(typeof(RemoteCluster))]
public sealed class GetRemoteClusterCommand : EckRemoteClusterCmdlet
{
    /// <summary>The local cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>Only the remotes whose alias matches (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string[] Alias { get; set; } = ["*"];

    protected override void ProcessRecordCore()
    {
        var client = Connection.Client;
        var remotes = RunWithReporting((_, token) => Engine.RemoteClusters.GetAsync(client, Connection.ClusterName, token));
        foreach (var pattern in Alias)
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            var matches = remotes.Where(r => wildcard.IsMatch(r.Alias)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                WriteError(ErrorRecords.Create(
                    new ItemNotFoundException($"No remote cluster '{pattern}' is registered on '{Connection.ClusterName}'."),
                    ErrorIds.RemoteClusterNotFound,
                    ErrorCategory.ObjectNotFound,
                    pattern,
                    "Register it with Connect-RemoteCluster, or check the alias (Get-RemoteCluster lists them all)."));
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }
}
