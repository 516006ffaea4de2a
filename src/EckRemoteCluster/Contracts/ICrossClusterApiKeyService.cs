using System.Text.Json.Nodes;

namespace EckRemoteCluster.Contracts;

/// <summary>Cross-cluster API keys (POST/PUT /_security/cross_cluster/api_key, GET/DELETE /_security/api_key).</summary>
internal interface ICrossClusterApiKeyService
{
    /// <summary>The request body New-CrossClusterApiKey would send, checked with Elasticsearch's own rules first.</summary>
    JsonObject BuildCreateBody(CrossClusterApiKeyRequest request);

    Task<CrossClusterApiKey> CreateAsync(
        ElasticsearchConnection connection, JsonObject body, bool asPlainText, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Keys of type cross_cluster, optionally by id or name (a trailing * is a prefix match).</summary>
    Task<IReadOnlyList<CrossClusterApiKey>> GetAsync(
        ElasticsearchConnection connection, string? id, string? name, bool includeInvalidated, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>The body Update-CrossClusterApiKey would send (only what was given is replaced).</summary>
    JsonObject BuildUpdateBody(CrossClusterAccessRequest? access, JsonObject? metadata, string? expiration);

    /// <summary>Returns Elasticsearch's "updated" (false when the key already had exactly this access and metadata).</summary>
    Task<bool> UpdateAsync(
        ElasticsearchConnection connection, string id, JsonObject body, IOperationReporter reporter, CancellationToken cancellationToken);

    /// <summary>Returns false when the key was already invalidated.</summary>
    Task<bool> InvalidateAsync(
        ElasticsearchConnection connection, string id, IOperationReporter reporter, CancellationToken cancellationToken);
}

/// <summary>What a cross-cluster key may reach. Query and FieldSecurity apply to the search entries only (Elasticsearch refuses them on replication).</summary>
internal sealed record CrossClusterAccessRequest(
    IReadOnlyList<string> Search,
    IReadOnlyList<string> Replication,
    JsonObject? Query,
    JsonObject? FieldSecurity,
    bool AllowRestrictedIndices);

internal sealed record CrossClusterApiKeyRequest(
    string Name,
    string? Alias,
    CrossClusterAccessRequest Access,
    string? Expiration,
    JsonObject? Metadata);
