using System.Globalization;
using System.Text.RegularExpressions;
using Sandbox.Elasticsearch.Remote;
using Sandbox.Elasticsearch.State;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>
/// PUT _cluster/settings as SettingsUpdater and AbstractScopedSettings run it, in their three passes:
/// <list type="number">
/// <item>each scope (transient, then persistent) key by key: unknown keys ("not recognized"), then the value on its own
/// (<c>validateWithoutDependencies</c>: types, host:port, minimums);</item>
/// <item>if anything changed, the resulting transient settings and then the resulting persistent settings, each by
/// itself, with the validators that look at other settings (a mode-specific key under the other mode, a key that needs
/// an enabled remote), so that neither scope depends on the other;</item>
/// <item>the dry run of <c>validateUpdate</c>: every key whose effective value (node settings, then persistent, then
/// transient) changed is validated against the effective settings.</item>
/// </list>
/// Within a pass every failing key is collected and the first, in key order, is reported (ExceptionsHelper.rethrowAndSuppress).
/// </summary>
public static partial class ClusterSettingsUpdate
{
    /// <summary>The affix settings of RemoteClusterSettings, by suffix.</summary>
    private static readonly string[] RemoteKeys =
    [
        "mode", "seeds", "proxy", "node_connections", "proxy_address", "proxy_socket_connections", "server_name", "skip_unavailable",
        "transport.ping_schedule", "transport.compress", "transport.compression_scheme",
    ];

    /// <summary>StrategyValidator: the mode each strategy-specific key requires.</summary>
    private static readonly Dictionary<string, string> RequiredMode = new(StringComparer.Ordinal)
    {
        ["seeds"] = "SNIFF",
        ["proxy"] = "SNIFF",
        ["node_connections"] = "SNIFF",
        ["proxy_address"] = "PROXY",
        ["proxy_socket_connections"] = "PROXY",
        ["server_name"] = "PROXY",
    };

    /// <summary>RemoteConnectionEnabled: keys that may only be set while the alias has seeds (sniff) or a proxy_address (proxy).</summary>
    private static readonly string[] NeedEnabledRemote = ["skip_unavailable", "transport.ping_schedule", "transport.compress", "transport.compression_scheme"];

    /// <summary>Dynamic settings outside cluster.remote that the sandbox accepts (and ignores) like a real cluster would.</summary>
    private static readonly string[] OtherDynamicPrefixes =
    [
        "cluster.routing.", "cluster.max_shards_per_node", "cluster.info.", "indices.", "logger.", "action.", "search.",
        "xpack.monitoring.", "cluster.indices.", "ingest.geoip.",
    ];

    [GeneratedRegex(@"^cluster\.remote\.([^.]+)\.(.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RemoteKey();

    /// <summary>
    /// Setting.AffixKey's namespace pattern <c>[-\w]+</c>; Java's <c>\w</c> (without UNICODE_CHARACTER_CLASS) is ASCII only,
    /// so an alias with a non-ASCII letter is an unknown setting.
    /// </summary>
    [GeneratedRegex(@"^[-A-Za-z0-9_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    public sealed record Result(
        SortedDictionary<string, SettingValue> Persistent,
        SortedDictionary<string, SettingValue> Transient,
        IReadOnlyList<string> ChangedKeys);

    /// <param name="nodeSettings">The handling node's own settings (elasticsearch.yml), under the effective settings.</param>
    public static Result Apply(
        IReadOnlyDictionary<string, SettingValue> persistent,
        IReadOnlyDictionary<string, SettingValue> transient,
        Dictionary<string, SettingValue?> persistentUpdates,
        Dictionary<string, SettingValue?> transientUpdates,
        IReadOnlyDictionary<string, SettingValue> nodeSettings)
    {
        var newTransient = ApplyScope("transient", transient, transientUpdates);
        var newPersistent = ApplyScope("persistent", persistent, persistentUpdates);
        var changed = !SameSettings(transient, newTransient) || !SameSettings(persistent, newPersistent);
        if (changed)
        {
            ThrowFirst(newTransient.Keys.Select(k => Validate(k, newTransient)));
            ThrowFirst(newPersistent.Keys.Select(k => Validate(k, newPersistent)));
        }

        var before = Effective(nodeSettings, persistent, transient);
        var after = Effective(nodeSettings, newPersistent, newTransient);
        var changedKeys = before.Keys.Union(after.Keys)
            .Where(k => !Same(before.GetValueOrDefault(k), after.GetValueOrDefault(k)))
            .Order(StringComparer.Ordinal)
            .ToList();
        ThrowFirst(changedKeys.Select(k => Validate(k, after)));
        return new Result(newPersistent, newTransient, changedKeys);
    }

    /// <summary>ClusterSettings.updateDynamicSettings for one scope: deletes (also by wildcard), then known keys with their values checked alone.</summary>
    private static SortedDictionary<string, SettingValue> ApplyScope(
        string scope, IReadOnlyDictionary<string, SettingValue> current, Dictionary<string, SettingValue?> updates)
    {
        var result = new SortedDictionary<string, SettingValue>(current.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        foreach (var (key, value) in updates.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is null && key.EndsWith('*'))
            {
                foreach (var match in result.Keys.Where(k => k.StartsWith(key[..^1], StringComparison.Ordinal)).ToList())
                {
                    result.Remove(match);
                }

                continue;
            }

            if (!IsKnown(key))
            {
                throw EsException.IllegalArgument($"{scope} setting [{key}], not recognized");
            }

            if (value is null)
            {
                result.Remove(key);
                continue;
            }

            if (RemoteKey().Match(key) is { Success: true } remote)
            {
                ValidateValue(key, remote.Groups[2].Value, value);
            }

            result[key] = value;
        }

        return result;
    }

    private static bool IsKnown(string key)
    {
        var remote = RemoteKey().Match(key);
        return remote.Success
            ? AliasPattern().IsMatch(remote.Groups[1].Value) && RemoteKeys.Contains(remote.Groups[2].Value)
            : OtherDynamicPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));
    }

    /// <summary>The parser and the value-only half of each validator (Setting.validateWithoutDependencies).</summary>
    private static void ValidateValue(string key, string name, SettingValue value)
    {
        var text = value.ToString();
        switch (name)
        {
            case "mode":
                ParseMode(text);
                break;
            case "seeds":
                foreach (var seed in value.AsList())
                {
                    ParsePort(seed);
                }

                break;
            case "proxy" or "proxy_address" when text.Length > 0:
                ParsePort(text);
                break;
            case "proxy_socket_connections" or "node_connections":
                ParseInt(key, text, minimum: 1);
                break;
            case "skip_unavailable" when text is not ("true" or "false"):
                throw EsException.IllegalArgument($"Failed to parse value [{text}] as only [true] or [false] are allowed.");
            case "transport.ping_schedule":
                ParseTime(key, text);
                break;
            case "transport.compress":
                ParseEnum("org.elasticsearch.transport.Compression.Enabled", ["TRUE", "INDEXING_DATA", "FALSE"], text);
                break;
            case "transport.compression_scheme":
                ParseEnum("org.elasticsearch.transport.Compression.Scheme", ["DEFLATE", "LZ4"], text);
                break;
        }
    }

    /// <summary>
    /// AbstractScopedSettings.validate(key, settings, validateDependencies=true): the declared dependency of the sniff
    /// <c>proxy</c> key, then the validators that read other settings, against <paramref name="settings"/> only.
    /// </summary>
    private static EsException? Validate(string key, IReadOnlyDictionary<string, SettingValue> settings)
    {
        var remote = RemoteKey().Match(key);
        if (!remote.Success)
        {
            return null;
        }

        var alias = remote.Groups[1].Value;
        var name = remote.Groups[2].Value;
        string Key(string suffix) => $"{RemoteClusterConfig.Prefix}{alias}.{suffix}";
        var present = settings.ContainsKey(key);
        if (name == "proxy" && !settings.ContainsKey(Key("seeds")))
        {
            return EsException.IllegalArgument($"missing required setting [{Key("seeds")}] for setting [{key}]");
        }

        var mode = settings.TryGetValue(Key("mode"), out var m) ? ParseMode(m.ToString()) : "SNIFF";
        if (present && RequiredMode.TryGetValue(name, out var required) && required != mode)
        {
            return EsException.IllegalArgument(
                $"Setting \"{key}\" cannot be used with the configured \"{Key("mode")}\" [required={required}, configured={mode}]");
        }

        if (present && NeedEnabledRemote.Contains(name))
        {
            var enabled = mode == "SNIFF"
                ? settings.TryGetValue(Key("seeds"), out var seeds) && seeds.AsList().Count > 0
                : settings.TryGetValue(Key("proxy_address"), out var address) && address.ToString().Length > 0;
            if (!enabled)
            {
                return EsException.IllegalArgument($"Cannot configure setting [{key}] if remote cluster is not enabled.");
            }
        }

        return null;
    }

    private static void ThrowFirst(IEnumerable<EsException?> failures)
    {
        if (failures.FirstOrDefault(f => f is not null) is { } first)
        {
            throw first;
        }
    }

    private static string ParseMode(string text)
    {
        var upper = text.ToUpperInvariant();
        return upper is "SNIFF" or "PROXY"
            ? upper
            : throw EsException.IllegalArgument($"No enum constant org.elasticsearch.transport.RemoteConnectionStrategy.ConnectionStrategy.{upper}");
    }

    /// <summary>RemoteConnectionStrategy.parsePort: the text after the last ':' must be an int above 0 (65536 and up pass).</summary>
    private static void ParsePort(string address)
    {
        var separator = address.LastIndexOf(':');
        if (separator == -1)
        {
            throw EsException.IllegalArgument($"remote hosts need to be configured as [host:port], found [{address}] instead");
        }

        var port = address[(separator + 1)..];
        if (!JavaParseInt(port, out var number))
        {
            throw new EsException(400, "illegal_argument_exception", "failed to parse port", NumberFormat(port));
        }

        if (number <= 0)
        {
            throw EsException.IllegalArgument($"port number must be > 0 but was: [{number}]");
        }
    }

    /// <summary>Setting.intSetting's parser: a NumberFormatException becomes "Failed to parse value [..] for setting [..]".</summary>
    private static void ParseInt(string key, string text, int minimum)
    {
        if (!JavaParseInt(text, out var number))
        {
            throw new EsException(400, "illegal_argument_exception", $"Failed to parse value [{text}] for setting [{key}]", NumberFormat(text));
        }

        if (number < minimum)
        {
            throw EsException.IllegalArgument($"Failed to parse value [{text}] for setting [{key}] must be >= {minimum}");
        }
    }

    private static void ParseTime(string key, string text)
    {
        try
        {
            TimeValues.Parse(text, key);
        }
        catch (EsException e)
        {
            throw new EsException(400, "illegal_argument_exception", e.Reason, e);
        }
    }

    private static void ParseEnum(string type, string[] constants, string text)
    {
        if (!constants.Contains(text.ToUpperInvariant()))
        {
            throw EsException.IllegalArgument($"No enum constant {type}.{text.ToUpperInvariant()}");
        }
    }

    /// <summary>Integer.parseInt: an optional sign and ASCII digits, within int range.</summary>
    private static bool JavaParseInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && text.Trim() == text;

    private static EsException NumberFormat(string text) =>
        new(400, "number_format_exception", $"For input string: \"{text}\"");

    private static SortedDictionary<string, SettingValue> Effective(
        IReadOnlyDictionary<string, SettingValue> node, IReadOnlyDictionary<string, SettingValue> persistent, IReadOnlyDictionary<string, SettingValue> transient)
    {
        var merged = new SortedDictionary<string, SettingValue>(StringComparer.Ordinal);
        foreach (var layer in new[] { node, persistent, transient })
        {
            foreach (var (key, value) in layer)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    private static bool SameSettings(IReadOnlyDictionary<string, SettingValue> a, IReadOnlyDictionary<string, SettingValue> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && Same(p.Value, other));

    private static bool Same(SettingValue? a, SettingValue? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Scalar == b.Scalar && (a.List ?? []).SequenceEqual(b.List ?? []) && (a.List is null) == (b.List is null);
}
