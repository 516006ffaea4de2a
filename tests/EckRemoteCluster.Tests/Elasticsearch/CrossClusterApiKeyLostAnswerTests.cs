using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Elasticsearch;
using EckRemoteCluster.Tests.Kubernetes;

namespace EckRemoteCluster.Tests.Elasticsearch;

/// <summary>
/// Creating a key is not safe to repeat blindly: when the POST got no answer (the pod restarted under it), the key is
/// looked up by name and by the attempt's creation id. Created: Elasticsearch never shows its secret again, so it is
/// invalidated and a new one created (one usable key, no orphan). Not created: the POST is sent again. Other keys of the
/// same name are never touched.
/// </summary>
public sealed class CrossClusterApiKeyLostAnswerTests
{
    private const string Name = "dc1-key";

    [Fact]
    public async Task AKeyCreatedUnderALostAnswerIsInvalidatedAndCreatedAgain()
    {
        var client = new RemoteKeys();
        client.LoseAnswerOfPost = 1;

        var key = await Create(client, out var reporter);

        Assert.Equal(
            ["POST /_security/cross_cluster/api_key", $"GET /_security/api_key?name={Name}&active_only=true", "DELETE /_security/api_key", "POST /_security/cross_cluster/api_key"],
            client.Requests);
        var active = client.Keys.Where(k => !k.Invalidated).ToList();
        Assert.Single(active);
        Assert.Equal(active[0].Id, key.Id);
        Assert.Equal(2, client.Keys.Count);
        Assert.Contains(reporter.Messages, m => m.StartsWith("WARNING: API key 'dc1-key'", StringComparison.Ordinal) && m.Contains("invalidated", StringComparison.Ordinal));
        Assert.DoesNotContain(reporter.Messages, m => m.Contains(client.Keys[0].Encoded, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACreationThatDidNotTakeEffectIsSentAgain()
    {
        var client = new RemoteKeys();
        client.DropPost = 1;

        var key = await Create(client, out _);

        Assert.Equal(["POST /_security/cross_cluster/api_key", $"GET /_security/api_key?name={Name}&active_only=true", "POST /_security/cross_cluster/api_key"], client.Requests);
        Assert.Equal(client.Keys.Single().Id, key.Id);
    }

    [Fact]
    public async Task AnotherKeyOfTheSameNameIsLeftAlone()
    {
        var client = new RemoteKeys();
        client.Keys.Add(new StoredKey("older", Name, "ZW5jb2RlZA==", new JsonObject { ["managed-by"] = "EckRemoteCluster" }));
        client.DropPost = 1;

        var key = await Create(client, out _);

        Assert.False(client.Keys[0].Invalidated);
        Assert.Equal(2, client.Keys.Count(k => !k.Invalidated));
        Assert.NotEqual("older", key.Id);
    }

    [Fact]
    public async Task EachAttemptCarriesItsOwnCreationId()
    {
        var client = new RemoteKeys();
        client.DropPost = 1;

        await Create(client, out _);

        var ids = client.PostedCreationIds;
        Assert.Equal(2, ids.Count);
        Assert.NotEqual(ids[0], ids[1]);
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
    }

    [Fact]
    public async Task AnswersLostEveryTimeEndInElasticsearchNoAnswer()
    {
        var client = new RemoteKeys();
        client.DropPost = int.MaxValue;

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() => Create(client, out _));

        Assert.Equal(ErrorIds.ElasticsearchNoAnswer, error.ErrorId);
        Assert.Empty(client.Keys);
    }

    private static Task<CrossClusterApiKey> Create(RemoteKeys client, out RecordingReporter reporter)
    {
        var service = new CrossClusterApiKeyService();
        var body = service.BuildCreateBody(new CrossClusterApiKeyRequest(Name, "dc1", new CrossClusterAccessRequest(["logs-*"], [], null, null, false), null, null));
        reporter = new RecordingReporter();
        return service.CreateAsync(
            new ElasticsearchConnection(client, "remote", null, "9.1.0", "elastic", "realm", "PortForward", ["https://es:9200"], null),
            body, false, reporter, CancellationToken.None);
    }

    private sealed record StoredKey(string Id, string Name, string Encoded, JsonObject Metadata)
    {
        public bool Invalidated { get; set; }
    }

    /// <summary>Elasticsearch's key APIs over a list, losing the answer of chosen POSTs (after or before acting).</summary>
    private sealed class RemoteKeys : IElasticsearchClient
    {
        private int _posts;

        public List<StoredKey> Keys { get; } = [];

        public List<string> Requests { get; } = [];

        public List<string> PostedCreationIds { get; } = [];

        /// <summary>The POST with this number is carried out, and its answer is lost.</summary>
        public int LoseAnswerOfPost { get; set; }

        /// <summary>POSTs up to this number are lost before they are carried out.</summary>
        public int DropPost { get; set; }

        public string Description => "https://es:9200 (port-forward)";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken)
        {
            Requests.Add($"{method} {path}");
            switch (method)
            {
                case "POST":
                    var number = ++_posts;
                    var metadata = jsonBody!["metadata"]!.AsObject();
                    PostedCreationIds.Add((string)metadata["creation-id"]!);
                    if (number <= DropPost)
                    {
                        throw Lost();
                    }

                    var key = new StoredKey($"id-{number}", (string)jsonBody["name"]!, $"secret-{number}", metadata.DeepClone().AsObject());
                    Keys.Add(key);
                    if (number == LoseAnswerOfPost)
                    {
                        throw Lost();
                    }

                    return Answer(new JsonObject { ["id"] = key.Id, ["name"] = key.Name, ["encoded"] = key.Encoded });
                case "GET":
                    var listed = Keys.Where(k => !k.Invalidated && path.Contains("name=" + k.Name, StringComparison.Ordinal))
                        .Select(k => (JsonNode)new JsonObject { ["id"] = k.Id, ["name"] = k.Name, ["type"] = "cross_cluster", ["metadata"] = k.Metadata.DeepClone() });
                    return Answer(new JsonObject { ["api_keys"] = new JsonArray([.. listed]) });
                case "DELETE":
                    var id = (string)jsonBody!["ids"]![0]!;
                    Keys.Single(k => k.Id == id).Invalidated = true;
                    return Answer(new JsonObject { ["invalidated_api_keys"] = new JsonArray(id), ["previously_invalidated_api_keys"] = new JsonArray(), ["error_count"] = 0 });
                default:
                    throw new InvalidOperationException(method);
            }
        }

        private static Task<ElasticsearchResponse> Answer(JsonObject body) => Task.FromResult(new ElasticsearchResponse(200, body));

        private EckRemoteClusterException Lost() => new(ErrorIds.ElasticsearchNoAnswer, EckErrorCategory.ConnectionError,
            "POST /_security/cross_cluster/api_key reached Elasticsearch, but the connection ended before it answered.", "Get-CrossClusterApiKey", Description);
    }
}
