using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Remote;

/// <summary>One registered remote as its <c>cluster.remote.&lt;alias&gt;.*</c> settings describe it.</summary>
public sealed record RemoteClusterConfig(
    string Alias,
    string Mode,
    IReadOnlyList<string> Seeds,
    string? ProxyAddress,
    string ServerName,
    int ProxySocketConnections,
    int NodeConnections,
    bool SkipUnavailable)
{
    public const string Prefix = "cluster.remote.";

    public bool IsProxy => Mode == "proxy";

    public static IReadOnlyList<string> Aliases(IReadOnlyDictionary<string, SettingValue> settings) =>
        [.. settings.Keys
            .Where(k => k.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(k => k[Prefix.Length..])
            .Where(rest => rest.Contains('.'))
            .Select(rest => rest[..rest.IndexOf('.')])
            .Distinct()
            .Where(alias => From(alias, settings, new EsVersion(9, 0, 0)) is not null)
            .Order(StringComparer.Ordinal)];

    /// <summary>The remote, or null when it has no address (a remote without seeds/proxy_address is not enabled).</summary>
    public static RemoteClusterConfig? From(string alias, IReadOnlyDictionary<string, SettingValue> settings, EsVersion version)
    {
        string? Get(string key) => settings.TryGetValue($"{Prefix}{alias}.{key}", out var v) ? v.ToString() : null;
        var mode = Get("mode") ?? "sniff";
        var seeds = settings.TryGetValue($"{Prefix}{alias}.seeds", out var s) ? s.AsList() : [];
        var proxy = Get("proxy_address");
        if ((mode == "proxy" && string.IsNullOrEmpty(proxy)) || (mode == "sniff" && seeds.Count == 0))
        {
            return null;
        }

        return new RemoteClusterConfig(
            alias,
            mode,
            seeds,
            proxy,
            Get("server_name") ?? string.Empty,
            int.TryParse(Get("proxy_socket_connections"), out var p) ? p : 18,
            int.TryParse(Get("node_connections"), out var n) ? n : 3,
            bool.TryParse(Get("skip_unavailable"), out var skip) ? skip : version.SkipUnavailableDefault);
    }
}
