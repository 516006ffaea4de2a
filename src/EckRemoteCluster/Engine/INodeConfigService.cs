namespace EckRemoteCluster.Engine;

/// <summary>Reads and edits the on-disk configuration of self-managed Elasticsearch nodes.</summary>
internal interface INodeConfigService
{
    /// <summary>Reads a node's config directory (elasticsearch.yml and what it references).</summary>
    ElasticsearchNodeConfig Read(string configPath);
}
