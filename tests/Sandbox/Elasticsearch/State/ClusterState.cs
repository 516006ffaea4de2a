using System.Collections.Concurrent;

namespace Sandbox.Elasticsearch.State;

/// <summary>
/// What the nodes of one cluster share, as the elected master's cluster state and the security index would hold it:
/// persistent and transient settings, API keys, roles and documents. Every node of the cluster answers from this object.
/// </summary>
public sealed class ClusterState
{
    private readonly object _settingsLock = new();
    private SortedDictionary<string, SettingValue> _persistent = new(StringComparer.Ordinal);
    private SortedDictionary<string, SettingValue> _transient = new(StringComparer.Ordinal);

    public ClusterState(string clusterName, EsVersion version, string elasticPassword)
    {
        ClusterName = clusterName;
        Version = version;
        ElasticPassword = elasticPassword;
        ClusterUuid = RandomIds.Base64Uuid();
    }

    public string ClusterName { get; }

    public string ClusterUuid { get; }

    public EsVersion Version { get; }

    /// <summary>The password of the built-in superuser <c>elastic</c>.</summary>
    public string ElasticPassword { get; set; }

    public ApiKeyStore ApiKeys { get; } = new();

    public ConcurrentDictionary<string, RoleDefinition> Roles { get; } = new(StringComparer.Ordinal);

    /// <summary>The native realm's users (PUT _security/user).</summary>
    public NativeUserStore Users { get; } = new();

    public DocumentStore Documents { get; } = new();

    /// <summary>
    /// Applies changed settings on the nodes (they react, e.g. by connecting to remotes), given the keys that changed; the
    /// task ends when every node has applied them, which is when Elasticsearch acknowledges the update. Set by the
    /// cluster that owns this state.
    /// </summary>
    public Func<IReadOnlyCollection<string>, Task>? ApplySettings { get; set; }

    public (IReadOnlyDictionary<string, SettingValue> Persistent, IReadOnlyDictionary<string, SettingValue> Transient) Settings
    {
        get
        {
            lock (_settingsLock)
            {
                return (new SortedDictionary<string, SettingValue>(_persistent), new SortedDictionary<string, SettingValue>(_transient));
            }
        }
    }

    /// <summary>The effective value: transient wins over persistent, as in Elasticsearch.</summary>
    public SettingValue? GetSetting(string key)
    {
        lock (_settingsLock)
        {
            return _transient.TryGetValue(key, out var t) ? t : _persistent.GetValueOrDefault(key);
        }
    }

    /// <summary>The effective settings (persistent overlaid by transient).</summary>
    public IReadOnlyDictionary<string, SettingValue> EffectiveSettings()
    {
        lock (_settingsLock)
        {
            var merged = new SortedDictionary<string, SettingValue>(_persistent, StringComparer.Ordinal);
            foreach (var (key, value) in _transient)
            {
                merged[key] = value;
            }

            return merged;
        }
    }

    /// <summary>
    /// Computes new settings from the current ones and installs them as one step: two updates sent at once never lose
    /// either's keys. Elasticsearch runs every settings update as a cluster-state update task on the elected master
    /// (MasterService, elastic/elasticsearch server/src/main/java/org/elasticsearch/cluster/service/MasterService.java),
    /// one batch after another, each computed from the state the previous one produced
    /// (TransportClusterUpdateSettingsAction, server/src/main/java/org/elasticsearch/action/admin/cluster/settings/).
    /// <paramref name="update"/> may throw (validation): then nothing changes. The task ends once the nodes applied the
    /// new settings (<see cref="ApplySettings"/>), as the update is acknowledged once every node applied the new state.
    /// </summary>
    public async Task<T> UpdateSettingsAsync<T>(
        Func<IReadOnlyDictionary<string, SettingValue>, IReadOnlyDictionary<string, SettingValue>, T> update,
        Func<T, (SortedDictionary<string, SettingValue> Persistent, SortedDictionary<string, SettingValue> Transient, IReadOnlyCollection<string> ChangedKeys)> installed)
    {
        T result;
        IReadOnlyCollection<string> changedKeys;
        lock (_settingsLock)
        {
            result = update(_persistent, _transient);
            (var persistent, var transient, changedKeys) = installed(result);
            _persistent = persistent;
            _transient = transient;
        }

        if (changedKeys.Count > 0 && ApplySettings is { } apply)
        {
            await apply(changedKeys);
        }

        return result;
    }

    /// <summary>Replaces both setting sets after validation passed; null values were already removed by the caller.</summary>
    public void ReplaceSettings(
        SortedDictionary<string, SettingValue> persistent, SortedDictionary<string, SettingValue> transient, IReadOnlyCollection<string> changedKeys)
    {
        lock (_settingsLock)
        {
            _persistent = persistent;
            _transient = transient;
        }

        if (changedKeys.Count > 0 && ApplySettings is { } apply)
        {
            // Nothing waits for the nodes here (only tests without nodes call this).
            _ = apply(changedKeys);
        }
    }
}
