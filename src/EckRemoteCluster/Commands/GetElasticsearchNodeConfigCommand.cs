using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Reads the configuration of self-managed Elasticsearch nodes from their config directories.</summary>
[Cmdlet(VerbsCommon.Get, "ElasticsearchNodeConfig")]
[OutputType(typeof(ElasticsearchNodeConfig))]
public sealed class GetElasticsearchNodeConfigCommand : EckRemoteClusterCmdlet
{
    /// <summary>A node's config directory (the folder with elasticsearch.yml), local or on a share.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    protected override void ProcessRecordCore()
    {
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
