using System.Security;
using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Diagnosis;
using EckRemoteCluster.Engine.Elasticsearch;
using EckRemoteCluster.Engine.LocalNodes;
using EckRemoteCluster.Engine.Rules;
using EckRemoteCluster.Secrets;

namespace EckRemoteCluster.Engine.RemoteClusters;

internal sealed class RemoteClusterService : IRemoteClusterService
{
    // _resolve/cluster appeared in 8.13; before it only _remote/info can tell, and it reports cached state.
    private static readonly Version ResolveClusterSince = new(8, 13, 0);

    /// <summary>
    /// How long a check that could not tell why a remote is down keeps looking again (see <see cref="TestAsync"/>).
    /// </summary>
    internal TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(15);

    // The sniff-only settings (RemoteClusterSettings.SniffConnectionStrategySettings: seeds, node_connections and the
    // undocumented proxy): Elasticsearch refuses them under mode proxy, so registering in proxy mode clears them.
    private static readonly string[] SniffOnlySettings = ["seeds", "node_connections", "proxy"];

    public async Task<RoleChange> PlanRoleAsync(IElasticsearchClient client, RemoteRoleRequest role, string localVersion, CancellationToken cancellationToken)
    {
        RemoteRoles.Validate(role, (ElasticsearchVersions.Parse(localVersion) ?? new Version(0, 0)));
        var response = await client.SendAsync("GET", $"/_security/role/{Uri.EscapeDataString(role.Name)}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == 404)
        {
            return RoleChange.Created;
        }

        ElasticsearchErrors.ThrowUnlessSuccess(response, client, $"GET /_security/role/{role.Name}", role.Name);

        return response.Body?[role.Name] is JsonObject existing && RemoteRoles.Matches(existing, role) ? RoleChange.Unchanged : RoleChange.Updated;
    }

    public async Task PutRoleAsync(IElasticsearchClient client, RemoteRoleRequest role, CancellationToken cancellationToken)
    {
        var response = await client.SendAsync("PUT", $"/_security/role/{Uri.EscapeDataString(role.Name)}", RemoteRoles.Body(role), cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(response, client, $"PUT /_security/role/{role.Name}", role.Name);
    }

    public async Task<IReadOnlyList<RemoteCluster>> GetAsync(IElasticsearchClient client, string localCluster, CancellationToken cancellationToken)
    {
        var response = await client.SendAsync("GET", "/_remote/info", null, cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(response, client, "GET /_remote/info");

        return RemoteInfoParser.Parse(response.Body, localCluster);
    }

    public async Task<ClusterSettingsChange> PlanRegistrationAsync(IElasticsearchClient client, RemoteClusterRegistration registration, CancellationToken cancellationToken)
    {
        RemoteClusterAlias.Validate(registration.Alias);
        ProxyAddress.Parse(registration.ProxyAddress);
        ServerName.Validate(registration.ServerName);
        var (persistent, transient) = await ReadFlatSettingsAsync(client, cancellationToken).ConfigureAwait(false);
        var prefix = $"cluster.remote.{registration.Alias}.";
        var wanted = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [prefix + "mode"] = "proxy",
            [prefix + "proxy_address"] = registration.ProxyAddress,
        };
        if (registration.ServerName is not null)
        {
            wanted[prefix + "server_name"] = registration.ServerName;
        }

        if (registration.SkipUnavailable is { } skip)
        {
            wanted[prefix + "skip_unavailable"] = skip ? "true" : "false";
        }

        if (registration.ProxySocketConnections is { } sockets)
        {
            wanted[prefix + "proxy_socket_connections"] = sockets.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var sniffSetting in SniffOnlySettings)
        {
            if (persistent.ContainsKey(prefix + sniffSetting))
            {
                wanted[prefix + sniffSetting] = null;
            }
        }

        var changes = wanted
            .Where(pair => !persistent.TryGetValue(pair.Key, out var current) || current != pair.Value)
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

        // A transient setting wins over a persistent one; a stale transient registration would hide ours.
        var staleTransient = transient.Keys
            .Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(key => key, _ => (string?)null, StringComparer.Ordinal);
        return new ClusterSettingsChange(changes, staleTransient)
        {
            Undo = new ClusterSettingsChange(PreviousValues(persistent, changes.Keys), PreviousValues(transient, staleTransient.Keys)),
        };
    }

    public async Task ApplySettingsAsync(IElasticsearchClient client, ClusterSettingsChange change, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["persistent"] = ToJson(change.Persistent),
            ["transient"] = ToJson(change.Transient),
        };
        var response = await client.SendAsync("PUT", "/_cluster/settings", body, cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(response, client, $"PUT /_cluster/settings ({string.Join(", ", change.Keys)})");
    }

    public async Task<ClusterSettingsChange> PlanRemovalAsync(IElasticsearchClient client, string alias, CancellationToken cancellationToken)
    {
        RemoteClusterAlias.Validate(alias);
        var (persistent, transient) = await ReadFlatSettingsAsync(client, cancellationToken).ConfigureAwait(false);
        var prefix = $"cluster.remote.{alias}.";
        return new ClusterSettingsChange(NullsFor(persistent, prefix), NullsFor(transient, prefix));
    }

    /// <summary>
    /// Checks the connection afresh. A connection being torn down (the remote node restarting, its trust changing)
    /// fails with a message that names no cause, often while _remote/info still says connected; reporting Unknown then
    /// would send the user to the logs for nothing. So a check that ends in Unknown is settled: repeated, each repeat a
    /// fresh connection attempt, until it connects, names a cause, or <see cref="SettleTimeout"/> has passed.
    /// </summary>
    public async Task<RemoteClusterTestResult> TestAsync(
        IElasticsearchClient client,
        string alias,
        string localVersion,
        RemoteClusterTestOptions options,
        CancellationToken cancellationToken)
    {
        RemoteClusterAlias.Validate(alias);
        var result = await CheckOnceAsync(client, alias, localVersion, options, cancellationToken).ConfigureAwait(false);
        var deadline = DateTimeOffset.UtcNow + SettleTimeout;
        var delay = TimeSpan.FromMilliseconds(250);
        while (!result.Connected && result.Cause == nameof(RemoteConnectionCause.Unknown) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            result = await CheckOnceAsync(client, alias, localVersion, options, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<RemoteClusterTestResult> CheckOnceAsync(
        IElasticsearchClient client,
        string alias,
        string localVersion,
        RemoteClusterTestOptions options,
        CancellationToken cancellationToken)
    {
        var searchIndex = options.SearchIndex;
        var nodeCredentials = options.NodeCredentials;
        var info = await client.SendAsync("GET", "/_remote/info", null, cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(info, client, "GET /_remote/info");

        var remote = RemoteInfoParser.Parse(info.Body, string.Empty).FirstOrDefault(r => r.Alias == alias);
        if (remote is null)
        {
            var notRegistered = RemoteClusterDiagnoses.Diagnose(new RemoteConnectionEvidence
            {
                Alias = alias,
                Messages = [$"no such remote cluster: [{alias}]"],
                Registered = false,
            });
            return Result(alias, null, false, null, notRegistered, nodeCredentials);
        }

        var hasResolveCluster = (ElasticsearchVersions.Parse(localVersion) ?? new Version(0, 0)) >= ResolveClusterSince;
        var check = hasResolveCluster ? await ResolveAsync(client, alias, cancellationToken).ConfigureAwait(false) : (remote.Connected, null, null);
        IReadOnlyList<NodeLogEntry>? logEntries = null;
        if (!check.Connected && hasResolveCluster)
        {
            // A settled diagnosis: the first request finished whatever attempt was under way (one started by a settings
            // change or a reload, perhaps half logged); this one makes a whole new attempt (_resolve/cluster reconnects a
            // disconnected remote), and only what the nodes log from here on is read.
            var marks = options.Nodes?.Select(NodeLogReader.Mark).ToList();
            check = await ResolveAsync(client, alias, cancellationToken).ConfigureAwait(false);
            if (marks is not null)
            {
                logEntries = marks.SelectMany(NodeLogReader.ReadSince).Where(e => Concerns(e, remote)).ToList();
            }
        }

        var connected = check.Connected;
        var messages = new List<string>();
        AddIfPresent(messages, check.Error);
        var remoteVersion = check.Version;

        // A search through the connection carries Elasticsearch's failure chain when the remote is not skipped.
        ProbeOutcome? probe = null;
        if (!connected || searchIndex is not null)
        {
            probe = await ProbeSearchAsync(client, alias, searchIndex ?? "*", cancellationToken).ConfigureAwait(false);

            // A search of a skip_unavailable remote makes no connection attempt: the node that coordinated it may still be
            // disconnected after a failure the others recovered from. Give the nodes a fresh attempt (requests go round
            // the nodes) and search again, so the answer does not depend on which node took the search.
            for (var retry = 0; connected && retry < 2 && probe.Failures.Any(f => f == $"Unable to connect to [{alias}]"); retry++)
            {
                await ResolveAsync(client, alias, cancellationToken).ConfigureAwait(false);
                probe = await ProbeSearchAsync(client, alias, searchIndex ?? "*", cancellationToken).ConfigureAwait(false);
            }

            messages.AddRange(probe.Failures);
            connected = connected && probe.Failures.Count == 0;
        }

        RemoteClusterDiagnosis? diagnosis = null;
        if (!connected)
        {
            var keyId = nodeCredentials.Select(c => c.KeyId).FirstOrDefault(id => id is not null);
            var evidence = new RemoteConnectionEvidence
            {
                Alias = alias,
                Messages = messages,
                Registered = true,
                Connected = remote.Connected && connected,
                Mode = remote.Mode,
                ProxyAddress = remote.ProxyAddress,
                ServerName = remote.ServerName,
                HasClusterCredentials = remote.SecurityModel == RemoteClusterSecurityModel.ApiKey,
                LogEntries = logEntries,
                Keystores = nodeCredentials.Count == 0 ? null : nodeCredentials.Select(c => new KeystoreCredentialEvidence(c.ConfigPath, c.Present, c.KeyId)).ToList(),
                RemoteKey = options.Remote is { } remoteClient && keyId is not null
                    && await RemoteKeyAsync(remoteClient, keyId, cancellationToken).ConfigureAwait(false) is { State: not RemoteKeyState.Unreadable } remoteKey
                    ? remoteKey
                    : null,
                RemoteClusterServerEnabled = options.Remote is { } settingsClient
                    ? await RemoteClusterServerEnabledAsync(settingsClient, cancellationToken).ConfigureAwait(false)
                    : null,
                Handshake = options.Handshake && remote.Mode == "proxy" && !string.IsNullOrEmpty(remote.ProxyAddress)
                    ? await HandshakeAsync(remote, options.Nodes, nodeCredentials, cancellationToken).ConfigureAwait(false)
                    : null,
            };
            diagnosis = RemoteClusterDiagnoses.Diagnose(evidence);
        }

        return Result(alias, remote, connected, remoteVersion, diagnosis, nodeCredentials, searchIndex is null ? null : probe);
    }

    private static async Task<(bool Connected, string? Error, string? Version)> ResolveAsync(IElasticsearchClient client, string alias, CancellationToken cancellationToken)
    {
        var resolved = await client.SendAsync("GET", $"/_resolve/cluster/{alias}:*", null, cancellationToken).ConfigureAwait(false);
        var entry = resolved.Body?[alias] as JsonObject;
        var connected = resolved.IsSuccess && (bool?)entry?["connected"] == true && entry?["error"] is null;
        return (connected, (string?)entry?["error"] ?? (resolved.IsSuccess ? null : resolved.ErrorReason), (string?)entry?["version"]?["number"]);
    }

    /// <summary>A log entry about this remote: it names the alias, or the channel or trust failure names its address or server name.</summary>
    private static bool Concerns(NodeLogEntry entry, RemoteCluster remote)
    {
        var text = entry.Message + "\n" + entry.Error;
        if (text.Contains($"[{remote.Alias}]", StringComparison.Ordinal))
        {
            return true;
        }

        var address = remote.Mode == "proxy" ? remote.ProxyAddress : null;
        var colon = address?.LastIndexOf(':') ?? -1;
        if (colon > 0 && text.Contains("remoteAddress=", StringComparison.Ordinal)
            && text.Contains(address![colon..] + ",", StringComparison.Ordinal) && text.Contains(address[..colon].Trim('[', ']'), StringComparison.Ordinal))
        {
            return true;
        }

        var host = string.IsNullOrEmpty(remote.ServerName) ? (colon > 0 ? address![..colon] : null) : remote.ServerName;
        return host is not null && text.Contains($"with server at [{host}]", StringComparison.Ordinal);
    }

    /// <summary>
    /// GET /_security/api_key?id= on the remote: the key's state as the remote cluster server will judge it, and its
    /// expiration (ApiKey.innerToXContent in elastic/elasticsearch writes "expiration" in epoch milliseconds when the
    /// key has one). An answer that is neither the key nor a 404 is <see cref="RemoteKeyState.Unreadable"/>.
    /// </summary>
    internal static async Task<RemoteKeyEvidence> RemoteKeyAsync(IElasticsearchClient remote, string id, CancellationToken cancellationToken)
    {
        var response = await remote.SendAsync("GET", $"/_security/api_key?id={Uri.EscapeDataString(id)}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != 404 && !response.IsSuccess)
        {
            return new RemoteKeyEvidence(id, RemoteKeyState.Unreadable, $"could not be read on the remote cluster: {remote.Description} answered GET /_security/api_key with {response.StatusCode} {response.ErrorReason}".TrimEnd());
        }

        if ((response.Body?["api_keys"] as JsonArray ?? []).FirstOrDefault() is not JsonObject key)
        {
            return new RemoteKeyEvidence(id, RemoteKeyState.Missing, "does not exist on the remote cluster");
        }

        var expiration = (long?)key["expiration"] is { } millis ? DateTimeOffset.FromUnixTimeMilliseconds(millis) : (DateTimeOffset?)null;
        if ((bool?)key["invalidated"] == true)
        {
            return new RemoteKeyEvidence(id, RemoteKeyState.Invalidated, $"was invalidated (revoked)" + ((long?)key["invalidation"] is { } at ? $" at {DateTimeOffset.FromUnixTimeMilliseconds(at):u}" : string.Empty)) { Expiration = expiration };
        }

        if (expiration is { } expiry && expiry <= DateTimeOffset.UtcNow)
        {
            return new RemoteKeyEvidence(id, RemoteKeyState.Expired, $"expired at {expiry:u}") { Expiration = expiration };
        }

        if ((string?)key["type"] is "rest")
        {
            return new RemoteKeyEvidence(id, RemoteKeyState.RestType, "is a REST API key (type rest), not a cross-cluster key") { Expiration = expiration };
        }

        return new RemoteKeyEvidence(id, RemoteKeyState.Active, expiration is { } until ? $"is active until {until:u}" : "is active and never expires") { Expiration = expiration };
    }

    /// <summary>remote_cluster_server.enabled as the remote node reports it (explicit or default); null when it cannot be read.</summary>
    private static async Task<bool?> RemoteClusterServerEnabledAsync(IElasticsearchClient remote, CancellationToken cancellationToken)
    {
        var response = await remote.SendAsync("GET", "/_cluster/settings?include_defaults=true&flat_settings=true", null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return null;
        }

        foreach (var section in new[] { "transient", "persistent", "defaults" })
        {
            if (response.Body?[section]?["remote_cluster_server.enabled"] is JsonValue value)
            {
                return string.Equals(value.ToString(), "true", StringComparison.OrdinalIgnoreCase);
            }
        }

        return null;
    }

    /// <summary>
    /// A TLS handshake from this machine to the proxy address, checked against the CA files of the first node given
    /// (remote_cluster_client for the API-key model, transport for the certificate model) and the server name.
    /// </summary>
    private static async Task<HandshakeEvidence> HandshakeAsync(
        RemoteCluster remote, IReadOnlyList<NodeDirectory>? nodes, IReadOnlyList<NodeCredentialCheck> credentials, CancellationToken cancellationToken)
    {
        var apiKeyModel = remote.SecurityModel == RemoteClusterSecurityModel.ApiKey || credentials.Any(c => c.Present);
        IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>? cas = null;
        var verificationMode = "full";
        if (nodes is [var node, ..] && node.Files.GetInfo(node.Files.Combine(node.ConfigPath, "elasticsearch.yml")) is not null)
        {
            var context = apiKeyModel ? NodeTrustedCas.ClientContext : "xpack.security.transport.ssl";
            var read = NodeTrustedCas.Read(node, context, apiKeyModel ? "full" : "certificate");
            verificationMode = read.VerificationMode;

            // No CA files and a truststore (or the JDK's default trust): not checked from here.
            cas = read.Files.Count == 0 && read.UsesTruststore ? null : read.Files.SelectMany(f => f.Certificates).ToList();
        }

        return await TlsProbe.ProbeAsync(remote.ProxyAddress!, remote.ServerName, cas, verificationMode, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
    }

    private static void AddIfPresent(List<string> messages, string? message)
    {
        if (!string.IsNullOrEmpty(message))
        {
            messages.Add(message);
        }
    }

    private sealed record ProbeOutcome(string Target, IReadOnlyList<string> Failures, long? Hits, IReadOnlyList<string> Samples);

    private static async Task<ProbeOutcome> ProbeSearchAsync(IElasticsearchClient client, string alias, string index, CancellationToken cancellationToken)
    {
        if (index.IndexOfAny(['/', ' ', '?', '#', '"', '\\']) >= 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.InvalidIndexPattern,
                EckErrorCategory.InvalidArgument,
                $"'{index}' is not an index name or pattern: it contains a character Elasticsearch forbids in index names.",
                "Give an index name or pattern such as logs-* (several separated by commas).",
                index);
        }

        var target = $"{alias}:{index}";
        var body = new JsonObject { ["size"] = 3, ["query"] = new JsonObject { ["match_all"] = new JsonObject() } };
        var response = await client.SendAsync("POST", $"/{target}/_search", body, cancellationToken).ConfigureAwait(false);
        var failures = new List<string>();
        if (!response.IsSuccess)
        {
            CollectReasons(response.Body?["error"], failures);
        }
        else
        {
            // With skip_unavailable the search succeeds and reports the remote as skipped, with its failure.
            foreach (var failure in response.Body?["_clusters"]?["details"]?[alias]?["failures"] as JsonArray ?? [])
            {
                CollectReasons(failure?["reason"], failures);
            }

            foreach (var failure in response.Body?["_shards"]?["failures"] as JsonArray ?? [])
            {
                CollectReasons(failure?["reason"], failures);
            }
        }

        var hits = response.Body?["hits"];
        var total = (long?)hits?["total"]?["value"] ?? (hits?["total"] is JsonValue plain ? (long?)plain : null);
        var samples = (hits?["hits"] as JsonArray ?? []).Select(hit => hit?["_source"]?.ToJsonString() ?? "{}").ToList();
        return new ProbeOutcome(target, failures, failures.Count == 0 ? total : null, failures.Count == 0 ? samples : []);
    }

    /// <summary>Elasticsearch nests causes under caused_by and suppressed: every reason down the chains is evidence.</summary>
    private static void CollectReasons(JsonNode? error, List<string> reasons)
    {
        for (var current = error; current is not null; current = current["caused_by"])
        {
            if (current is JsonValue text)
            {
                AddIfPresent(reasons, (string?)text);
                return;
            }

            AddIfPresent(reasons, (string?)current["reason"]);
            foreach (var suppressed in current["suppressed"] as JsonArray ?? [])
            {
                CollectReasons(suppressed, reasons);
            }
        }
    }

    public async Task<RemoteClusterTestResult> WaitConnectedAsync(
        IElasticsearchClient client,
        string alias,
        string localVersion,
        TimeSpan timeout,
        IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        var activity = $"Waiting for remote cluster '{alias}' to connect";
        var deadline = DateTimeOffset.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(200);
        try
        {
            while (true)
            {
                // With the handshake from this machine: without the nodes' logs it is what tells a wrong port or name.
                var result = await TestAsync(client, alias, localVersion, new RemoteClusterTestOptions([]), cancellationToken).ConfigureAwait(false);
                if (result.Connected)
                {
                    return result;
                }

                var remaining = deadline - DateTimeOffset.UtcNow;
                if (!RemoteConnectionCauses.WaitingCanFix(result.Cause))
                {
                    throw new EckRemoteClusterException(
                        ErrorIds.RemoteClusterNotConnected,
                        EckErrorCategory.ConnectionError,
                        $"Remote cluster '{alias}' cannot connect ({result.Cause}), and waiting will not change that: {result.Evidence}",
                        result.RecommendedAction ?? "Run Test-RemoteCluster for a diagnosis.",
                        alias);
                }

                if (remaining <= TimeSpan.Zero)
                {
                    throw new EckRemoteClusterException(
                        ErrorIds.RemoteClusterNotConnected,
                        EckErrorCategory.ConnectionError,
                        $"Remote cluster '{alias}' did not connect within {timeout.TotalSeconds:0} s ({result.Cause}): {result.Evidence}",
                        result.RecommendedAction ?? "Run Test-RemoteCluster for a diagnosis.",
                        alias);
                }

                reporter.Progress(activity, $"{result.Cause}: {result.Evidence}", (int)(100 * (1 - (remaining / timeout))));
                await Task.Delay(delay < remaining ? delay : remaining, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
        finally
        {
            reporter.CompleteProgress(activity);
        }
    }

    public async Task<IReadOnlyList<(string NodeId, string NodeName, string? Failure)>> ReloadSecureSettingsAsync(
        IElasticsearchClient client,
        SecureString? keystorePassword,
        IReadOnlyList<string>? nodeNames,
        CancellationToken cancellationToken)
    {
        JsonObject? body = keystorePassword is null
            ? null
            : SecureStrings.Use(keystorePassword, chars => new JsonObject { ["secure_settings_password"] = new string(chars) });
        var path = nodeNames is null
            ? "/_nodes/reload_secure_settings"
            : $"/_nodes/{string.Join(",", nodeNames.Select(Uri.EscapeDataString))}/reload_secure_settings";
        var response = await client.SendAsync("POST", path, body, cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(response, client, "POST " + path);

        return (response.Body?["nodes"] as JsonObject ?? [])
            .Select(pair => (
                pair.Key,
                (string?)pair.Value?["name"] ?? pair.Key,
                (string?)pair.Value?["reload_exception"]?["reason"]))
            .ToList();
    }

    private static RemoteClusterTestResult Result(
        string alias,
        RemoteCluster? remote,
        bool connected,
        string? remoteVersion,
        RemoteClusterDiagnosis? diagnosis,
        IReadOnlyList<NodeCredentialCheck> nodeCredentials,
        ProbeOutcome? search = null) =>
        new(
            alias,
            connected,
            remote?.Mode,
            remote is null ? null : remote.Mode == "proxy" ? remote.ProxyAddress : string.Join(",", remote.Seeds),
            remote?.ServerName,
            remote?.SecurityModel,
            remoteVersion,
            diagnosis?.Cause,
            diagnosis?.Evidence,
            diagnosis?.RecommendedAction,
            nodeCredentials,
            search?.Target,
            search?.Hits,
            search?.Samples,
            diagnosis?.Basis);

    internal static async Task<(Dictionary<string, string?> Persistent, Dictionary<string, string?> Transient)> ReadFlatSettingsAsync(
        IElasticsearchClient client,
        CancellationToken cancellationToken)
    {
        var response = await client.SendAsync("GET", "/_cluster/settings?flat_settings=true", null, cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(response, client, "GET /_cluster/settings");

        return (Flat(response.Body?["persistent"]), Flat(response.Body?["transient"]));
    }

    private static Dictionary<string, string?> Flat(JsonNode? section) =>
        (section as JsonObject ?? [])
            .ToDictionary(
                pair => pair.Key,
                pair => pair.Value is JsonArray list ? string.Join(",", list.Select(v => (string?)v)) : pair.Value?.ToString(),
                StringComparer.Ordinal);

    private static Dictionary<string, string?> PreviousValues(Dictionary<string, string?> current, IEnumerable<string> keys) =>
        keys.ToDictionary(key => key, key => current.GetValueOrDefault(key), StringComparer.Ordinal);

    private static Dictionary<string, string?> NullsFor(Dictionary<string, string?> settings, string prefix) =>
        settings.Keys
            .Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(key => key, _ => (string?)null, StringComparer.Ordinal);

    private static JsonObject ToJson(IReadOnlyDictionary<string, string?> settings)
    {
        var json = new JsonObject();
        foreach (var (key, value) in settings)
        {
            json[key] = value is null ? null : JsonValue.Create(value);
        }

        return json;
    }
}
