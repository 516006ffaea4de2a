namespace EckRemoteCluster.Engine.LocalNodes;

internal static class NodeConfigErrors
{
    public static EckRemoteClusterException NotAConfigDirectory(string configPath) => new(
        ErrorIds.NotAnElasticsearchConfigDirectory,
        EckErrorCategory.InvalidArgument,
        $"'{configPath}' is not an Elasticsearch config directory: it has no elasticsearch.yml.",
        "Give the node's config directory, the folder that holds elasticsearch.yml (for example /etc/elasticsearch).",
        configPath);
}
