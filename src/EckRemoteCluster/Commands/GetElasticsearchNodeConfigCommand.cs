using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Reads the configuration of self-managed Elasticsearch nodes from their config directories.</summary>
[Cmdlet(VerbsCommon.Get, "ElasticsearchNodeConfig", DefaultParameterSetName = ByConfigPath)]
[OutputType(typeof(ElasticsearchNodeConfig))]
public sealed class GetElasticsearchNodeConfigCommand : EckRemoteClusterCmdlet
{
    private const string ByConfigPath = "ConfigPath";
    private const string BySession = "Session";

    /// <summary>A node's config directory (the folder with elasticsearch.yml), local or on a share.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByConfigPath)]
    [Parameter(Position = 0, ParameterSetName = BySession)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    /// <summary>Sessions to the nodes; each node's config directory is read on the node (found there without -ConfigPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = BySession)]
    [ValidateNotNullOrEmpty]
    public System.Management.Automation.Runspaces.PSSession[] Session { get; set; } = [];

    protected override void ProcessRecordCore()
    {
        if (ParameterSetName == BySession)
        {
            foreach (var node in NodeTargets.Resolve(this, ConfigPath, Session))
            {
                WriteObject(Engine.NodeConfig.Read(node));
            }

            return;
        }

        foreach (var path in ProviderPaths.ResolveDirectories(this, ConfigPath))
        {
            try
            {
                WriteObject(Engine.NodeConfig.Read(path));
            }
            catch (EckRemoteClusterException ex)
            {
                WriteError(ErrorRecords.From(ex));
            }
        }
    }
}
