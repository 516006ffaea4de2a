namespace EckRemoteCluster.Engine.NodeConfig;

internal static class ElasticsearchYmlErrors
{
    public static EckRemoteClusterException Invalid(string source, long line, long column, string reason, Exception? inner = null) => new(
        ErrorIds.ElasticsearchYmlInvalid,
        EckErrorCategory.InvalidData,
        $"{source} is not valid Elasticsearch settings YAML (line {line}, column {column}): {reason}",
        "Fix the YAML at that position; Elasticsearch would refuse to start with this file.",
        source,
        inner);

    public static EckRemoteClusterException Duplicate(string source, string key, long firstLine, long secondLine) => new(
        ErrorIds.ElasticsearchYmlDuplicateSetting,
        EckErrorCategory.InvalidData,
        $"{source} sets [{key}] twice (lines {firstLine} and {secondLine}), once flat and once nested or twice in one block.",
        $"Keep one of the two definitions of [{key}]; Elasticsearch refuses to start with a duplicate setting.",
        source);

    public static EckRemoteClusterException EditFailed(string source, string key, string reason) => new(
        ErrorIds.ElasticsearchYmlEditFailed,
        EckErrorCategory.InvalidOperation,
        $"Could not edit [{key}] in {source}: {reason}",
        $"Edit {source} by hand: set [{key}] as a flat 'key: value' line; the file was not changed.",
        source);
}
