using System.Text.RegularExpressions;
using Sandbox.Elasticsearch.Remote;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>
/// Applies a PUT _cluster/settings scope (persistent or transient) to the current settings with Elasticsearch's
/// validation: unknown keys, the remote-cluster rules (mode-specific keys, host:port, "not enabled") and value types.
/// </summary>
public static partial class ClusterSettingsUpdate
{
    private static readonly string[] RemoteKeys =
    [
        "mode", "seeds", "node_connections", "proxy_address", "proxy_socket_connections", "server_name", "skip_unavailable",
        "transport.ping_schedule", "transport.compress", "transport.compression_scheme",
    ];

    private static readonly string[] SniffOnly = ["seeds", "node_connections"];
    private static readonly string[] ProxyOnly = ["proxy_address", "proxy_socket_connections", "server_name"];

    /// <summary>Dynamic settings outside cluster.remote that the sandbox accepts (and ignores) like a real cluster would.</summary>
    private static readonly string[] OtherDynamicPrefixes =
    [
        "cluster.routing.", "cluster.max_shards_per_node", "cluster.info.", "indices.", "logger.", "action.", "search.",
        "xpack.monitoring.", "cluster.indices.", "ingest.geoip.",
    ];

    [GeneratedRegex(@"^cluster\.remote\.([^.]+)\.(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RemoteKey();

    [GeneratedRegex(@"^[-\w]+$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    public static SortedDictionary<string, SettingValue> Apply(
        string scope, IReadOnlyDictionary<string, SettingValue> current, Dictionary<string, SettingValue?> updates, EsVersion version)
    {
        var result = new SortedDictionary<string, SettingValue>(current.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        foreach (var (key, value) in updates)
        {
            if (value is null && key.EndsWith(".*", StringComparison.Ordinal))
            {
                foreach (var match in result.Keys.Where(k => k.StartsWith(key[..^1], StringComparison.Ordinal)).ToList())
                {
                    result.Remove(match);
                }

                continue;
            }

            Recognize(scope, key);
            if (key == ReplicaAllocation.EnableSetting && value is not null && !ReplicaAllocation.IsValid(value.ToString()))
            {
                throw EsException.IllegalArgument($"Illegal allocation.enable value [{value}]");
            }

            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = value;
            }
        }

        foreach (var alias in updates.Keys.Select(k => RemoteKey().Match(k)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct())
        {
            ValidateRemote(alias, result, updates, version);
        }

        return result;
    }

    private static void Recognize(string scope, string key)
    {
        var remote = RemoteKey().Match(key);
        var known = remote.Success
            ? AliasPattern().IsMatch(remote.Groups[1].Value) && RemoteKeys.Contains(remote.Groups[2].Value)
            : OtherDynamicPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));
        if (!known)
        {
            throw EsException.IllegalArgument($"{scope} setting [{key}], not recognized");
        }
    }

    private static void ValidateRemote(string alias, SortedDictionary<string, SettingValue> settings, Dictionary<string, SettingValue?> updates, EsVersion version)
    {
        string Key(string name) => $"{RemoteClusterConfig.Prefix}{alias}.{name}";
        var modeText = settings.TryGetValue(Key("mode"), out var m) ? m.ToString() : "sniff";
        if (modeText is not ("sniff" or "proxy"))
        {
            throw EsException.IllegalArgument(
                $"No enum constant org.elasticsearch.transport.RemoteConnectionStrategy.ConnectionStrategy.{modeText.ToUpperInvariant()}");
        }

        var (wrong, required) = modeText == "proxy" ? (SniffOnly, "SNIFF") : (ProxyOnly, "PROXY");
        foreach (var name in wrong.Where(n => settings.ContainsKey(Key(n))))
        {
            throw EsException.IllegalArgument(
                $"Setting \"{Key(name)}\" cannot be used with the configured \"{Key("mode")}\" [required={required}, configured={modeText.ToUpperInvariant()}]");
        }

        foreach (var address in (settings.GetValueOrDefault(Key("seeds"))?.AsList() ?? []).Concat(
                     settings.TryGetValue(Key("proxy_address"), out var proxy) ? [proxy.ToString()] : []))
        {
            ValidateAddress(address);
        }

        foreach (var name in new[] { "proxy_socket_connections", "node_connections" })
        {
            if (settings.TryGetValue(Key(name), out var number) && (!int.TryParse(number.ToString(), out var n) || n < 1))
            {
                throw EsException.IllegalArgument($"Failed to parse value [{number}] for setting [{Key(name)}] must be >= 1");
            }
        }

        if (settings.TryGetValue(Key("skip_unavailable"), out var skip) && skip.ToString() is not ("true" or "false"))
        {
            throw EsException.IllegalArgument($"Failed to parse value [{skip}] as only [true] or [false] are allowed.");
        }

        var enabled = RemoteClusterConfig.From(alias, settings, version) is not null;
        if (!enabled)
        {
            var dependent = updates.Where(u => u.Value is not null && u.Key.StartsWith(Key(string.Empty), StringComparison.Ordinal)
                    && u.Key != Key("mode") && u.Key != Key("seeds") && u.Key != Key("proxy_address"))
                .Select(u => u.Key).FirstOrDefault();
            if (dependent is not null)
            {
                throw EsException.IllegalArgument($"Cannot configure setting [{dependent}] if remote cluster is not enabled.");
            }
        }
    }

    private static void ValidateAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        var closing = address.LastIndexOf(']');
        if (colon < 0 || colon < closing)
        {
            throw EsException.IllegalArgument($"remote hosts need to be configured as [host:port], found [{address}] instead");
        }

        var port = address[(colon + 1)..];
        if (!int.TryParse(port, out var p) || p is < 0 or > 65535)
        {
            throw EsException.IllegalArgument($"failed to parse port: {port}");
        }
    }
}
