using System.Globalization;
using System.Security;
using System.Text.Json;
using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Eck;
using EckRemoteCluster.Engine.Rules;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// Creates, lists, updates and invalidates cross-cluster API keys. Keys it creates carry metadata saying the module
/// made them and for which alias, as ECK does for the keys it manages, so they can be found and told apart later.
/// </summary>
internal sealed class CrossClusterApiKeyService : ICrossClusterApiKeyService
{
    internal const string ManagedByKey = "managed-by";
    internal const string AliasKey = "remote-cluster-alias";

    /// <summary>Metadata naming the creation request, so a key whose answer was lost can be found (one per attempt).</summary>
    internal const string CreationIdKey = "creation-id";

    /// <summary>Creations tried when answers are lost: each lost one is looked up and settled before the next.</summary>
    private const int MaxCreateAttempts = 3;

    /// <summary>Cross-cluster API keys exist from 8.10 (beta) and are GA from 8.14.</summary>
    private static readonly Version MinimumVersion = new(8, 10, 0);
    private static readonly Version GaVersion = new(8, 14, 0);

    public JsonObject BuildCreateBody(CrossClusterApiKeyRequest request)
    {
        CrossClusterApiKeyRules.ValidateName(request.Name);
        var metadata = request.Metadata?.DeepClone().AsObject() ?? new JsonObject();
        CrossClusterApiKeyRules.ValidateMetadataKeys(metadata.Select(p => p.Key));
        metadata[ManagedByKey] = EckNames.ManagedByValue;
        if (request.Alias is not null)
        {
            metadata[AliasKey] = request.Alias;
        }

        var body = new JsonObject { ["name"] = request.Name, ["access"] = Access(request.Access), ["metadata"] = metadata };
        if (request.Expiration is not null)
        {
            body["expiration"] = CrossClusterApiKeyRules.ValidateExpiration(request.Expiration);
        }

        return body;
    }

    public JsonObject BuildUpdateBody(CrossClusterAccessRequest? access, JsonObject? metadata, string? expiration)
    {
        var body = new JsonObject();
        if (access is not null)
        {
            body["access"] = Access(access);
        }

        if (metadata is not null)
        {
            CrossClusterApiKeyRules.ValidateMetadataKeys(metadata.Select(p => p.Key));
            body["metadata"] = metadata.DeepClone();
        }

        if (expiration is not null)
        {
            body["expiration"] = CrossClusterApiKeyRules.ValidateExpiration(expiration);
        }

        if (body.Count == 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.CrossClusterApiKeyUpdateEmpty,
                EckErrorCategory.InvalidArgument,
                "Nothing to update: Elasticsearch must update either [access] or [metadata] for cross-cluster API keys.",
                "Give -Search/-Replication (the new access), -Metadata or -Expiration.");
        }

        return body;
    }

    public async Task<CrossClusterApiKey> CreateAsync(
        ElasticsearchConnection connection, JsonObject body, bool asPlainText, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        EnsureSupported(connection, reporter);
        var name = (string?)body["name"];
        reporter.Verbose($"Creating cross-cluster API key '{name}' on '{connection.ClusterName}'.");
        for (var attempt = 1; ; attempt++)
        {
            // Each attempt carries its own id in the metadata: if its answer is lost, a lookup tells this attempt's key
            // apart from any other key of the same name (Elasticsearch does not make names unique).
            var sent = body.DeepClone().AsObject();
            var creationId = Guid.NewGuid().ToString("N");
            if (sent["metadata"] is not JsonObject metadata)
            {
                metadata = new JsonObject();
                sent["metadata"] = metadata;
            }

            metadata[CreationIdKey] = creationId;

            ElasticsearchResponse response;
            try
            {
                response = await connection.Client.SendAsync("POST", "/_security/cross_cluster/api_key", sent, cancellationToken).ConfigureAwait(false);
            }
            catch (EckRemoteClusterException lost) when (lost.ErrorId == ErrorIds.ElasticsearchNoAnswer && attempt < MaxCreateAttempts)
            {
                await SettleLostCreationAsync(connection, name ?? "", creationId, lost, reporter, cancellationToken).ConfigureAwait(false);
                continue;
            }

            ElasticsearchErrors.ThrowUnlessSuccess(response, connection.Client, "POST /_security/cross_cluster/api_key", name);
            return Created(connection, sent, response, asPlainText);
        }
    }

    /// <summary>
    /// A creation whose answer was lost (the pod restarted under it): the key is looked up by name and by this attempt's
    /// creation id. Not there: the request never took effect and is sent again. There: Elasticsearch never shows a key's
    /// secret again, so the key cannot be handed out; it is invalidated before a new one is created, which leaves one
    /// usable key of that name instead of an orphan nobody holds.
    /// </summary>
    private async Task SettleLostCreationAsync(
        ElasticsearchConnection connection, string name, string creationId, EckRemoteClusterException lost, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter.Verbose($"Creating API key '{name}' got no answer ({lost.Message}); looking it up by name before trying again.");
        var path = "/_security/api_key?name=" + Uri.EscapeDataString(name) + "&active_only=true";
        reporter.Debug($"GET {path} on {connection.Client.Description}");
        var lookup = await connection.Client.SendAsync("GET", path, null, cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(lookup, connection.Client, "GET /_security/api_key", name);
        var orphans = (lookup.Body?["api_keys"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(k => (string?)k["name"] == name && (string?)k["metadata"]?[CreationIdKey] == creationId)
            .Select(k => (string?)k["id"])
            .OfType<string>()
            .ToList();
        if (orphans.Count == 0)
        {
            reporter.Verbose($"No key '{name}' from that request exists: creating it again.");
            return;
        }

        foreach (var id in orphans)
        {
            reporter.Warning($"API key '{name}' ({id}) was created, but its answer with the secret was lost when the connection dropped; "
                + "it is invalidated and a new key is created in its place.");
            await InvalidateAsync(connection, id, reporter, cancellationToken).ConfigureAwait(false);
        }
    }

    private static CrossClusterApiKey Created(ElasticsearchConnection connection, JsonObject body, ElasticsearchResponse response, bool asPlainText)
    {
        var id = (string?)response.Body?["id"] ?? throw Malformed(connection, "id");
        var encoded = (string?)response.Body?["encoded"] ?? throw Malformed(connection, "encoded");
        var secure = new SecureString();
        foreach (var c in encoded)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        var access = body["access"]!.AsObject();
        var metadata = body["metadata"]?.AsObject() ?? new JsonObject();
        DateTime? expiration = response.Body?["expiration"] is JsonValue millis && millis.TryGetValue<long>(out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime : null;
        return new CrossClusterApiKey(
            id,
            (string?)response.Body?["name"] ?? (string)body["name"]!,
            connection.ClusterName,
            (string?)metadata[AliasKey],
            Names(access["search"]),
            Names(access["replication"]),
            access.ToJsonString(),
            DateTime.UtcNow,
            expiration,
            invalidated: false,
            connection.User,
            ToDictionary(metadata),
            secure,
            asPlainText ? encoded : null)
        {
            Connection = connection,
        };
    }

    public async Task<IReadOnlyList<CrossClusterApiKey>> GetAsync(
        ElasticsearchConnection connection, string? id, string? name, bool includeInvalidated, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (id is not null)
        {
            query.Add("id=" + Uri.EscapeDataString(id));
        }

        if (name is not null)
        {
            query.Add("name=" + Uri.EscapeDataString(name));
        }

        if (!includeInvalidated)
        {
            query.Add("active_only=true");
        }

        var path = "/_security/api_key" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        reporter.Debug($"GET {path} on {connection.Client.Description}");
        var response = await connection.Client.SendAsync("GET", path, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == 404 && id is not null)
        {
            throw new EckRemoteClusterException(
                ErrorIds.CrossClusterApiKeyNotFound,
                EckErrorCategory.ObjectNotFound,
                $"Cluster '{connection.ClusterName}' has no API key with id '{id}'.",
                "List the keys with Get-CrossClusterApiKey -RemoteConnection … and use one of their ids.",
                id);
        }

        ElasticsearchErrors.ThrowUnlessSuccess(response, connection.Client, "GET /_security/api_key");
        return (response.Body?["api_keys"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(k => (string?)k["type"] == "cross_cluster")
            .Select(k => FromListed(k, connection))
            .ToList();
    }

    public async Task<bool> UpdateAsync(ElasticsearchConnection connection, string id, JsonObject body, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        EnsureSupported(connection, reporter);
        var path = "/_security/cross_cluster/api_key/" + Uri.EscapeDataString(id);
        reporter.Verbose($"Updating cross-cluster API key {id} on '{connection.ClusterName}'.");
        var response = await connection.Client.SendAsync("PUT", path, body, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == 404)
        {
            throw new EckRemoteClusterException(
                ErrorIds.CrossClusterApiKeyNotFound,
                EckErrorCategory.ObjectNotFound,
                $"Cluster '{connection.ClusterName}' has no API key with id '{id}' owned by '{connection.User}': {response.ErrorReason}",
                "Only the key's owner can update it: connect as the user that created it, and check the id with Get-CrossClusterApiKey.",
                id);
        }

        ElasticsearchErrors.ThrowUnlessSuccess(response, connection.Client, "PUT " + path, id);
        return (bool?)response.Body?["updated"] ?? false;
    }

    public async Task<bool> InvalidateAsync(ElasticsearchConnection connection, string id, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        reporter.Verbose($"Invalidating API key {id} on '{connection.ClusterName}'.");
        var response = await connection.Client.SendAsync("DELETE", "/_security/api_key", new JsonObject { ["ids"] = new JsonArray(id) }, cancellationToken).ConfigureAwait(false);
        ElasticsearchErrors.ThrowUnlessSuccess(response, connection.Client, "DELETE /_security/api_key", id);
        if ((response.Body?["error_count"] as JsonValue)?.GetValue<int>() is > 0)
        {
            var reason = (string?)response.Body?["error_details"]?[0]?["reason"] ?? "(no reason given)";
            throw new EckRemoteClusterException(
                ErrorIds.CrossClusterApiKeyInvalidationFailed,
                EckErrorCategory.InvalidOperation,
                $"Elasticsearch could not invalidate API key {id}: {reason}",
                "Check that the key exists (Get-CrossClusterApiKey -Id) and that you may manage it (manage_security or manage_own_api_key as its owner).",
                id);
        }

        if ((response.Body?["invalidated_api_keys"] as JsonArray)?.Select(n => (string?)n).Contains(id) == true)
        {
            return true;
        }

        if ((response.Body?["previously_invalidated_api_keys"] as JsonArray)?.Select(n => (string?)n).Contains(id) == true)
        {
            return false;
        }

        // Elasticsearch looks up only keys that are not invalidated yet, so an unknown id and an already invalidated key
        // both give an empty result. Only a lookup tells them apart.
        return await WasAlreadyInvalidatedAsync(connection, id, reporter, cancellationToken).ConfigureAwait(false)
            ? false
            : throw new EckRemoteClusterException(
                ErrorIds.CrossClusterApiKeyInvalidationFailed,
                EckErrorCategory.InvalidOperation,
                $"Elasticsearch did not invalidate API key {id} on '{connection.ClusterName}', and the key is still valid.",
                "Run Revoke-CrossClusterApiKey again; check with Get-CrossClusterApiKey -Id that you may manage the key (manage_security).",
                id);
    }

    /// <summary>
    /// After an empty invalidation result: true when the key exists and is invalidated, false when it exists and is
    /// still valid; CrossClusterApiKeyNotFound when the cluster has no key with that id.
    /// </summary>
    private static async Task<bool> WasAlreadyInvalidatedAsync(
        ElasticsearchConnection connection, string id, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var path = "/_security/api_key?id=" + Uri.EscapeDataString(id);
        reporter.Debug($"GET {path} on {connection.Client.Description}: the invalidation found no valid key with id {id}");
        var lookup = await connection.Client.SendAsync("GET", path, null, cancellationToken).ConfigureAwait(false);
        var key = lookup.IsSuccess ? (lookup.Body?["api_keys"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(k => (string?)k["id"] == id) : null;
        if (lookup.StatusCode == 404 || (lookup.IsSuccess && key is null))
        {
            throw new EckRemoteClusterException(
                ErrorIds.CrossClusterApiKeyNotFound,
                EckErrorCategory.ObjectNotFound,
                $"Cluster '{connection.ClusterName}' has no API key with id '{id}'.",
                "List the keys with Get-CrossClusterApiKey and use one of their ids.",
                id);
        }

        ElasticsearchErrors.ThrowUnlessSuccess(lookup, connection.Client, "GET /_security/api_key", id);
        return (bool?)key!["invalidated"] == true;
    }

    private static void EnsureSupported(ElasticsearchConnection connection, IOperationReporter reporter)
    {
        var version = ElasticsearchVersions.Parse(connection.Version);
        if (version is null)
        {
            return;
        }

        if (version < MinimumVersion)
        {
            throw new EckRemoteClusterException(
                ErrorIds.CrossClusterApiKeyUnsupportedVersion,
                EckErrorCategory.InvalidOperation,
                $"Cluster '{connection.ClusterName}' runs Elasticsearch {connection.Version}; cross-cluster API keys need {GaVersion} (beta from {MinimumVersion}).",
                "Upgrade the remote cluster to 8.14 or later, or use the TLS-certificate security model.",
                connection);
        }

        if (version < GaVersion)
        {
            reporter.Warning($"Cluster '{connection.ClusterName}' runs Elasticsearch {connection.Version}: cross-cluster API keys are beta before {GaVersion}.");
        }
    }

    internal static JsonObject Access(CrossClusterAccessRequest access)
    {
        CrossClusterApiKeyRules.ValidateAccess(
            access.Search.Count > 0 ? [new CrossClusterAccessEntry(access.Search, access.Query is not null, access.FieldSecurity is not null)] : [],
            access.Replication.Count > 0 ? [new CrossClusterAccessEntry(access.Replication)] : []);
        var result = new JsonObject();
        if (access.Search.Count > 0)
        {
            var entry = new JsonObject { ["names"] = new JsonArray(access.Search.Select(n => (JsonNode?)n).ToArray()) };
            if (access.Query is not null)
            {
                entry["query"] = access.Query.DeepClone();
            }

            if (access.FieldSecurity is not null)
            {
                entry["field_security"] = access.FieldSecurity.DeepClone();
            }

            if (access.AllowRestrictedIndices)
            {
                entry["allow_restricted_indices"] = true;
            }

            result["search"] = new JsonArray(entry);
        }

        if (access.Replication.Count > 0)
        {
            var entry = new JsonObject { ["names"] = new JsonArray(access.Replication.Select(n => (JsonNode?)n).ToArray()) };
            if (access.AllowRestrictedIndices)
            {
                entry["allow_restricted_indices"] = true;
            }

            result["replication"] = new JsonArray(entry);
        }

        return result;
    }

    private static CrossClusterApiKey FromListed(JsonObject key, ElasticsearchConnection connection)
    {
        var access = key["access"] as JsonObject ?? new JsonObject();
        var metadata = key["metadata"] as JsonObject ?? new JsonObject();
        return new CrossClusterApiKey(
            (string?)key["id"] ?? "",
            (string?)key["name"] ?? "",
            connection.ClusterName,
            (string?)metadata[AliasKey],
            Names(access["search"]),
            Names(access["replication"]),
            access.ToJsonString(),
            Epoch(key["creation"]),
            Epoch(key["expiration"]),
            (bool?)key["invalidated"] ?? false,
            (string?)key["username"],
            ToDictionary(metadata),
            encodedKey: null,
            encodedKeyPlainText: null)
        {
            Connection = connection,
        };
    }

    private static string[] Names(JsonNode? entries) =>
        (entries as JsonArray ?? []).SelectMany(e => e?["names"] as JsonArray ?? []).Select(n => (string?)n ?? "").ToArray();

    private static DateTime? Epoch(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<long>(out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime : null;

    private static Dictionary<string, object?> ToDictionary(JsonObject metadata) =>
        metadata.ToDictionary(p => p.Key, p => Plain(p.Value), StringComparer.Ordinal);

    /// <summary>JSON to plain .NET values PowerShell shows naturally (strings, numbers, booleans, arrays, dictionaries).</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => Plain(p.Value), StringComparer.Ordinal),
        JsonArray a => a.Select(Plain).ToArray(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => (string?)v,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => (bool)v,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
        _ => node.ToJsonString(),
    };

    private static EckRemoteClusterException Malformed(ElasticsearchConnection connection, string field) => new(
        ErrorIds.ElasticsearchResponseMalformed,
        EckErrorCategory.InvalidData,
        $"Elasticsearch at {connection.Client.Description} answered without '{field}'.",
        "Check that the address points to Elasticsearch and not a proxy that rewrites answers.",
        connection);
}
