using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EckRemoteCluster.Engine;

internal sealed class NodeConfigService : INodeConfigService
{
    internal const string ElasticsearchYml = "elasticsearch.yml";
    internal const string KeystoreFile = "elasticsearch.keystore";

    public ElasticsearchNodeConfig Read(string configPath)
    {
        var ymlPath = Path.Combine(configPath, ElasticsearchYml);
        if (!File.Exists(ymlPath))
        {
            throw new EckRemoteClusterException(
                "NotAnElasticsearchConfigDirectory",
                EckErrorCategory.InvalidArgument,
                $"'{configPath}' is not an Elasticsearch config directory: it has no {ElasticsearchYml}.",
                "Give the node's config directory, the folder that holds elasticsearch.yml (for example /etc/elasticsearch).",
                configPath);
        }

        var settings = FlattenedSettings(ymlPath);
        return new ElasticsearchNodeConfig(
            configPath,
            First(settings, "cluster.name"),
            First(settings, "node.name"),
            settings,
            File.Exists(Path.Combine(configPath, KeystoreFile)));
    }

    private static string? First(IReadOnlyDictionary<string, string[]> settings, string key) =>
        settings.TryGetValue(key, out var value) ? value.FirstOrDefault() : null;

    private static Dictionary<string, string[]> FlattenedSettings(string ymlPath)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(ymlPath);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new EckRemoteClusterException(
                "ElasticsearchYmlInvalid",
                EckErrorCategory.InvalidData,
                $"{ymlPath} is not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}): {ex.Message}",
                "Fix the YAML syntax at that position; Elasticsearch would refuse to start with this file.",
                ymlPath,
                ex);
        }

        var settings = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
        {
            Flatten(root, prefix: null, settings);
        }

        return settings;
    }

    private static void Flatten(YamlMappingNode mapping, string? prefix, Dictionary<string, string[]> settings)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = prefix is null ? ((YamlScalarNode)keyNode).Value! : prefix + "." + ((YamlScalarNode)keyNode).Value;
            switch (valueNode)
            {
                case YamlMappingNode nested:
                    Flatten(nested, key, settings);
                    break;
                case YamlSequenceNode list:
                    settings[key] = list.Children.OfType<YamlScalarNode>().Select(item => item.Value ?? string.Empty).ToArray();
                    break;
                case YamlScalarNode scalar:
                    settings[key] = [scalar.Value ?? string.Empty];
                    break;
            }
        }
    }
}
