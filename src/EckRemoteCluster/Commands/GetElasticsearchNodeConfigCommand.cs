using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Reads the configuration of self-managed Elasticsearch nodes from their config directories, as paths or on the nodes
/// through PSSessions (piped or given).
/// </summary>
[Cmdlet(VerbsCommon.Get, "ElasticsearchNodeConfig", DefaultParameterSetName = ByConfigPath)]
[OutputType(typeof(ElasticsearchNodeConfig))]
public sealed class GetElasticsearchNodeConfigCommand : NodeReaderCmdlet
{
    protected override void ProcessRecordCore()
    {
        foreach (var node in RecordNodes())
        {
            try
            {
                WriteObject(Engine.NodeConfig.Read(node));
            }
            catch (EckRemoteClusterException ex)
            {
                WriteError(ErrorRecords.From(ex));
            }
        }
    }
}
