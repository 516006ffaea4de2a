namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>Reads elasticsearch.yml into Elasticsearch's flat view of it.</summary>
public static class ElasticsearchYmlReader
{
    /// <summary>
    /// Every setting by its flat key (nested maps joined with dots), in file order. Throws
    /// ElasticsearchYmlInvalid for bad YAML (with line and column) and ElasticsearchYmlDuplicateSetting when two
    /// places define the same key, e.g. <c>a.b: 1</c> and <c>a:\n  b: 2</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, YmlSettingValue> Read(string text, string source = "elasticsearch.yml") =>
        YmlDocument.Parse(text, source).Settings();

    /// <summary>The same, with scalars as one-item arrays (a YAML null as none): the shape ElasticsearchNodeConfig uses.</summary>
    public static IReadOnlyDictionary<string, string[]> ReadAsArrays(string text, string source = "elasticsearch.yml") =>
        Read(text, source).ToDictionary(p => p.Key, p => p.Value.Items.ToArray(), StringComparer.Ordinal);
}
