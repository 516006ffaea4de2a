using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Elasticsearch;
using EckRemoteCluster.Tests.Kubernetes;

namespace EckRemoteCluster.Tests.Elasticsearch;

/// <summary>
/// Invalidation as Elasticsearch answers it: its lookup skips invalidated keys, so an unknown id and an already invalidated
/// key both come back with every list empty, and only a lookup by id tells them apart.
/// </summary>
public sealed class CrossClusterApiKeyInvalidationTests
{
    private const string Id = "VuaCfGcBCdbkQm-e5aOx";

    private static readonly JsonObject Empty = new()
    {
        ["invalidated_api_keys"] = new JsonArray(),
        ["previously_invalidated_api_keys"] = new JsonArray(),
        ["error_count"] = 0,
    };

    [Fact]
    public async Task AKeyInvalidatedNowReturnsTrueWithoutALookup()
    {
        var client = new ScriptedClient(new ElasticsearchResponse(200, new JsonObject
        {
            ["invalidated_api_keys"] = new JsonArray(Id),
            ["previously_invalidated_api_keys"] = new JsonArray(),
            ["error_count"] = 0,
        }));

        Assert.True(await Invalidate(client));
        Assert.Equal(["DELETE /_security/api_key"], client.Requests);
    }

    [Fact]
    public async Task AnEmptyResultForAKeyTheLookupFindsInvalidatedMeansAlreadyInvalidated()
    {
        var client = new ScriptedClient(
            new ElasticsearchResponse(200, Empty.DeepClone()),
            new ElasticsearchResponse(200, Keys(new JsonObject { ["id"] = Id, ["type"] = "cross_cluster", ["invalidated"] = true })));

        Assert.False(await Invalidate(client));
        Assert.Equal(["DELETE /_security/api_key", $"GET /_security/api_key?id={Id}"], client.Requests);
    }

    [Fact]
    public async Task AnEmptyResultForAnIdTheLookupDoesNotKnowIsNotFound()
    {
        var client = new ScriptedClient(
            new ElasticsearchResponse(200, Empty.DeepClone()),
            new ElasticsearchResponse(404, Keys()));

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() => Invalidate(client));

        Assert.Equal("CrossClusterApiKeyNotFound", error.ErrorId);
    }

    [Fact]
    public async Task AnEmptyResultForAKeyThatIsStillValidIsAFailureNotSuccess()
    {
        var client = new ScriptedClient(
            new ElasticsearchResponse(200, Empty.DeepClone()),
            new ElasticsearchResponse(200, Keys(new JsonObject { ["id"] = Id, ["type"] = "cross_cluster", ["invalidated"] = false })));

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() => Invalidate(client));

        Assert.Equal("CrossClusterApiKeyInvalidationFailed", error.ErrorId);
        Assert.Contains("Revoke-CrossClusterApiKey", error.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreviouslyInvalidatedStillCountsAsAlreadyInvalidated()
    {
        var client = new ScriptedClient(new ElasticsearchResponse(200, new JsonObject
        {
            ["invalidated_api_keys"] = new JsonArray(),
            ["previously_invalidated_api_keys"] = new JsonArray(Id),
            ["error_count"] = 0,
        }));

        Assert.False(await Invalidate(client));
        Assert.Single(client.Requests);
    }

    private static JsonObject Keys(params JsonObject[] keys) => new() { ["api_keys"] = new JsonArray([.. keys]) };

    private static Task<bool> Invalidate(ScriptedClient client) =>
        new CrossClusterApiKeyService().InvalidateAsync(
            new ElasticsearchConnection(client, "remote", null, "9.1.0", "elastic", "realm", "Direct", ["https://es:9200"], null),
            Id, new RecordingReporter(), CancellationToken.None);

    private sealed class ScriptedClient(params ElasticsearchResponse[] responses) : IElasticsearchClient
    {
        private readonly Queue<ElasticsearchResponse> _responses = new(responses);

        public List<string> Requests { get; } = [];

        public string Description => "https://es:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken)
        {
            Requests.Add($"{method} {path}");
            return Task.FromResult(_responses.Dequeue());
        }
    }
}
