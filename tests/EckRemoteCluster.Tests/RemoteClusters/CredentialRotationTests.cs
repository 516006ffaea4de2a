using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine;
using EckRemoteCluster.Engine.Elasticsearch;
using EckRemoteCluster.Engine.LocalNodes;
using EckRemoteCluster.Engine.NodeConfig;
using EckRemoteCluster.Engine.RemoteClusters;
using EckRemoteCluster.Tests.Kubernetes;
using EckRemoteCluster.Tests.NodeConfig;

namespace EckRemoteCluster.Tests.RemoteClusters;

/// <summary>
/// Update-RemoteClusterCredential's rotation over real keystores on disk, a remote that keeps its keys as Elasticsearch
/// does, and a local cluster whose check can be made to fail: the old key stays valid until the new one is verified.
/// </summary>
public sealed class CredentialRotationTests : IDisposable
{
    private const string Alias = "eck";
    private const string Setting = "cluster.remote.eck.credentials";
    private static readonly DateTime Now = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory _root = new();
    private readonly List<string> _events = [];
    private readonly KeyStoreRemote _remote;
    private readonly CheckingRemotes _remotes;
    private readonly string[] _nodes;

    public CredentialRotationTests()
    {
        _remote = new KeyStoreRemote(_events);
        _remotes = new CheckingRemotes(_events);
        _nodes = [NewNode("node-1"), NewNode("node-2")];
    }

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task ADueKeyIsReplacedOnEveryNodeVerifiedAndOnlyThenRevoked()
    {
        var old = _remote.Add("old-key-0000000000001", expiresIn: TimeSpan.FromDays(10), lifetime: TimeSpan.FromDays(90));
        WriteCredential(_nodes, old);

        var result = await Rotation().RotateAsync(Request("30d"), new Answer(true), new RecordingReporter(), CancellationToken.None);

        Assert.NotNull(result);
        Assert.Equal(CredentialRotationAction.Rotated, result.Action);
        Assert.Equal(old.Id, result.PreviousKeyId);
        Assert.NotEqual(old.Id, result.ApiKeyId);
        Assert.True(result.Verified);
        Assert.True(result.PreviousKeyRevoked);
        Assert.All(_nodes, node => Assert.Equal(result.ApiKeyId, KeyIdOn(node)));
        // The order that keeps every node working: create, reload, check, and only then revoke the old key.
        Assert.Equal(["GET key", "POST create", "reload", "check", $"DELETE {old.Id}"], _events);
        Assert.True(_remote.Keys[old.Id].Invalidated);
        Assert.False(_remote.Keys[result.ApiKeyId].Invalidated);
    }

    [Fact]
    public async Task AKeyOutsideTheWindowIsLeftAloneAndNothingIsWritten()
    {
        var old = _remote.Add("old-key-0000000000001", expiresIn: TimeSpan.FromDays(60), lifetime: TimeSpan.FromDays(90));
        WriteCredential(_nodes, old);
        var before = _nodes.Select(n => File.ReadAllBytes(Path.Combine(n, ElasticsearchKeystore.FileName))).ToList();

        var result = await Rotation().RotateAsync(Request("30d"), new Answer(true), new RecordingReporter(), CancellationToken.None);

        Assert.Equal(CredentialRotationAction.Unchanged, result!.Action);
        Assert.Equal(old.Id, result.ApiKeyId);
        Assert.Contains("outside the 30 days window", result.Reason, StringComparison.Ordinal);
        Assert.Equal(["GET key"], _events);
        Assert.Equal(before, _nodes.Select(n => File.ReadAllBytes(Path.Combine(n, ElasticsearchKeystore.FileName))).ToList());
    }

    [Fact]
    public async Task AFailedCheckPutsTheOldKeyBackAndRevokesOnlyTheUnusedNewKey()
    {
        var old = _remote.Add("old-key-0000000000001", expiresIn: TimeSpan.FromDays(10), lifetime: TimeSpan.FromDays(90));
        WriteCredential(_nodes, old);
        _remotes.CheckFails = true;

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            Rotation().RotateAsync(Request(null), new Answer(true), new RecordingReporter(), CancellationToken.None));

        Assert.Equal(ErrorIds.CredentialRotationNotVerified, error.ErrorId);
        Assert.All(_nodes, node => Assert.Equal(old.Id, KeyIdOn(node)));
        Assert.False(_remote.Keys[old.Id].Invalidated);
        var created = Assert.Single(_remote.Keys.Values, k => k.Id != old.Id);
        Assert.True(created.Invalidated);
        Assert.Equal(["GET key", "POST create", "reload", "check", "reload", $"DELETE {created.Id}"], _events);
    }

    [Fact]
    public async Task NodesHoldingDifferentKeysAreRefusedBeforeTheRemoteIsAsked()
    {
        var a = _remote.Add("key-a-00000000000001", expiresIn: null, lifetime: null);
        var b = _remote.Add("key-b-00000000000001", expiresIn: null, lifetime: null);
        WriteCredential([_nodes[0]], a);
        WriteCredential([_nodes[1]], b);

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            Rotation().RotateAsync(Request(null), new Answer(true), new RecordingReporter(), CancellationToken.None));

        Assert.Equal(ErrorIds.CredentialDiffersBetweenNodes, error.ErrorId);
        Assert.Empty(_events);
    }

    [Fact]
    public async Task DeclinedConfirmationCreatesWritesAndRevokesNothing()
    {
        var old = _remote.Add("old-key-0000000000001", expiresIn: TimeSpan.FromDays(10), lifetime: TimeSpan.FromDays(90));
        WriteCredential(_nodes, old);

        var result = await Rotation().RotateAsync(Request(null), new Answer(false), new RecordingReporter(), CancellationToken.None);

        Assert.Null(result);
        Assert.Equal(["GET key"], _events);
        Assert.All(_nodes, node => Assert.Equal(old.Id, KeyIdOn(node)));
    }

    [Fact]
    public void TheReplacementKeepsTheAccessTheMetadataAndTheLifetimeAndRestampsTheName()
    {
        const string access = """{"search":[{"names":["logs-*"],"query":"{\"term\":{\"a\":1}}","allow_restricted_indices":false}],"replication":[{"names":["archive"],"allow_restricted_indices":false}]}""";
        var current = new CrossClusterApiKey("old-key-0000000000001", "eck-20260101000000", "remote", Alias, ["logs-*"], ["archive"], access,
            Now.AddDays(-80), Now.AddDays(10), false, "elastic", new Dictionary<string, object?> { ["team"] = "ops", ["managed-by"] = "EckRemoteCluster" }, null, null);

        var body = Rotation().BuildReplacementBody(current, Alias, null, Now);

        Assert.Equal(JsonNode.Parse(access)!.ToJsonString(), body["access"]!.ToJsonString());
        Assert.Equal("eck-20261201000000", (string?)body["name"]);
        Assert.Equal($"{(int)TimeSpan.FromDays(90).TotalMinutes}m", (string?)body["expiration"]);
        Assert.Equal("ops", (string?)body["metadata"]!["team"]);
        Assert.Equal(Alias, (string?)body["metadata"]!["remote-cluster-alias"]);
        Assert.Equal(current.Id, (string?)body["metadata"]!["rotated-from"]);
    }

    [Fact]
    public async Task TheEstateRotatesThroughTheSameServiceWithTheFilesAccessAndLifetime()
    {
        var old = _remote.Add("old-key-0000000000001", expiresIn: TimeSpan.FromDays(10), lifetime: TimeSpan.FromDays(90));
        WriteCredential(_nodes, old);
        var link = EstateLinkFor(search: ["logs-*", "traces-*"], replication: ["archive"], keyExpiration: TimeSpan.FromDays(30));

        var result = await Rotation().RotateAsync(EstateRequest(link), new Answer(true), new RecordingReporter(), CancellationToken.None);

        Assert.Equal(CredentialRotationAction.Rotated, result!.Action);
        Assert.True(result.Verified);
        Assert.True(result.PreviousKeyRevoked);
        Assert.All(_nodes, node => Assert.Equal(result.ApiKeyId, KeyIdOn(node)));
        // Same order as Update-RemoteClusterCredential: the old key is revoked only after the new one was checked.
        Assert.Equal(["GET key", "POST create", "reload", "check", $"DELETE {old.Id}"], _events);
        var created = _remote.Keys[result.ApiKeyId];
        Assert.Equal(Now.AddDays(30), created.Expiration);
        Assert.Equal(["logs-*", "traces-*"], created.Access["search"]![0]!["names"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["archive"], created.Access["replication"]![0]!["names"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(old.Id, (string?)created.Metadata["rotated-from"]);
    }

    [Fact]
    public async Task AnEstateLinkWithoutKeyExpirationGetsAKeyThatNeverExpiresWhateverTheOldLifetime()
    {
        var old = _remote.Add("old-key-0000000000001", expiresIn: TimeSpan.FromDays(10), lifetime: TimeSpan.FromDays(90));
        WriteCredential(_nodes, old);

        var result = await Rotation().RotateAsync(EstateRequest(EstateLinkFor(["logs-*"], [], null)), new Answer(true), new RecordingReporter(), CancellationToken.None);

        Assert.Null(_remote.Keys[result!.ApiKeyId].Expiration);
    }

    [Fact]
    public async Task AnEstateRotationWhoseCheckFailsPutsTheOldKeyBackAndRevokesTheNewOne()
    {
        var old = _remote.Add("old-key-0000000000001", expiresIn: TimeSpan.FromDays(10), lifetime: TimeSpan.FromDays(90));
        WriteCredential(_nodes, old);
        _remotes.CheckFails = true;

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            Rotation().RotateAsync(EstateRequest(EstateLinkFor(["logs-*"], [], TimeSpan.FromDays(30))), new Answer(true), new RecordingReporter(), CancellationToken.None));

        Assert.Equal(ErrorIds.CredentialRotationNotVerified, error.ErrorId);
        Assert.All(_nodes, node => Assert.Equal(old.Id, KeyIdOn(node)));
        Assert.False(_remote.Keys[old.Id].Invalidated);
        Assert.True(Assert.Single(_remote.Keys.Values, k => k.Id != old.Id).Invalidated);
    }

    [Fact]
    public void TheEstatesRotationRequestNamesEveryNodeOfTheLocalClusterAndTheFilesKeyShape()
    {
        var link = EstateLinkFor(["logs-*"], ["archive"], TimeSpan.FromHours(36));

        var request = EstateRequest(link);

        Assert.Equal(_nodes, request.Nodes.Select(n => n.ConfigPath));
        Assert.Equal(Alias, request.Alias);
        Assert.Null(request.ExpiringWithin);
        Assert.Equal(["logs-*"], request.Replacement!.Access.Search);
        Assert.Equal(["archive"], request.Replacement.Access.Replication);
        Assert.Equal("36h", request.Replacement.Expiration);
        Assert.Equal(TimeSpan.FromSeconds(5), request.VerifyTimeout);
    }

    private static EstateLink EstateLinkFor(string[] search, string[] replication, TimeSpan? keyExpiration) =>
        new(Alias, "dc1", "prod", RemoteClusterSecurityModel.ApiKey, search, replication, keyExpiration, TimeSpan.FromDays(30), null, [], new(1, 1));

    private CredentialRotationRequest EstateRequest(EstateLink link)
    {
        var spec = new EstateLocalCluster("dc1", ["https://local:9200"], null, "elastic", null, null, null, [], null, false, new(1, 1));
        var nodes = _nodes.Select(n => new EstateLocalNode(new NodeDirectory(LocalNodeFiles.Instance, n), Path.GetFileName(n), null)).ToList();
        var local = new EstateLocalTarget(spec, Connection(new NoRequests(), "local"), nodes, null);
        return Engine.Estate.EstateExecutor.RotationRequest(link, local, Connection(_remote, "remote"), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("30d", 30 * 24)]
    [InlineData("12h", 12)]
    public void TheWindowIsATimeValue(string value, int hours) => Assert.Equal(TimeSpan.FromHours(hours), CredentialRotation.ParseWindow(value));

    [Fact]
    public void AWindowThatIsNoTimeValueIsRefused()
    {
        var error = Assert.Throws<EckRemoteClusterException>(() => CredentialRotation.ParseWindow("a month"));
        Assert.Equal(ErrorIds.InvalidRotationWindow, error.ErrorId);
    }

    private CredentialRotation Rotation()
    {
        var keys = new CrossClusterApiKeyService();
        return new CredentialRotation(new NodeConfigService(), _remotes, keys, new CredentialRollout(_remotes, keys)) { UtcNow = () => Now };
    }

    private CredentialRotationRequest Request(string? window) => new(
        Connection(new NoRequests(), "local"), Connection(_remote, "remote"), Alias, _nodes.Select(n => new NodeDirectory(LocalNodeFiles.Instance, n)).ToList(),
        null, window, null, null, TimeSpan.FromSeconds(5));

    private static ElasticsearchConnection Connection(IElasticsearchClient client, string name) =>
        new(client, name, null, "9.1.0", "elastic", "realm", "Direct", ["https://" + name + ":9200"], null);

    private string NewNode(string name)
    {
        var directory = Path.Combine(_root.Path, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "elasticsearch.yml"), $"cluster.name: local\nnode.name: {name}\n");
        using var keystore = ElasticsearchKeystore.Create(ElasticsearchKeystore.LatestVersion, []);
        keystore.Save(Path.Combine(directory, ElasticsearchKeystore.FileName));
        return directory;
    }

    private static void WriteCredential(IEnumerable<string> nodes, StoredKey key)
    {
        foreach (var node in nodes)
        {
            var path = Path.Combine(node, ElasticsearchKeystore.FileName);
            using var keystore = ElasticsearchKeystore.Load(path, []);
            keystore.Set(Setting, Encoding.UTF8.GetBytes(key.Encoded));
            keystore.Save(path);
        }
    }

    private static string? KeyIdOn(string node)
    {
        using var keystore = ElasticsearchKeystore.Load(Path.Combine(node, ElasticsearchKeystore.FileName), []);
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(keystore.GetString(Setting)));
        return decoded[..decoded.IndexOf(':', StringComparison.Ordinal)];
    }

    private sealed class Answer(bool yes) : IChangeConfirmation
    {
        public Task<bool> ConfirmAsync(string target, string action) => Task.FromResult(yes);
    }

    private sealed record StoredKey(string Id, string Secret, DateTime Creation, DateTime? Expiration, JsonObject Access, JsonObject Metadata)
    {
        public bool Invalidated { get; set; }

        public string Encoded => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Id}:{Secret}"));
    }

    /// <summary>A remote's key API as Elasticsearch answers it: GET by id, POST create, DELETE by ids.</summary>
    private sealed class KeyStoreRemote(List<string> events) : IElasticsearchClient
    {
        private int _next;

        public Dictionary<string, StoredKey> Keys { get; } = [];

        public string Description => "https://remote:9200";

        public StoredKey Add(string id, TimeSpan? expiresIn, TimeSpan? lifetime)
        {
            var creation = expiresIn is { } e && lifetime is { } l ? Now + e - l : Now.AddDays(-1);
            var key = new StoredKey(id, "s3cretS3cretS3cretS3cr", creation, expiresIn is { } x ? Now + x : null,
                new JsonObject { ["search"] = new JsonArray(new JsonObject { ["names"] = new JsonArray("logs-*"), ["allow_restricted_indices"] = false }) },
                new JsonObject { ["managed-by"] = "EckRemoteCluster", ["remote-cluster-alias"] = Alias });
            Keys[id] = key;
            return key;
        }

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken)
        {
            if (method == "GET" && path.StartsWith("/_security/api_key?id=", StringComparison.Ordinal))
            {
                events.Add("GET key");
                var id = Uri.UnescapeDataString(path["/_security/api_key?id=".Length..].Split('&')[0]);
                return Task.FromResult(Keys.TryGetValue(id, out var key)
                    ? new ElasticsearchResponse(200, new JsonObject { ["api_keys"] = new JsonArray(Listed(key)) })
                    : new ElasticsearchResponse(404, new JsonObject { ["api_keys"] = new JsonArray() }));
            }

            if (method == "POST" && path == "/_security/cross_cluster/api_key")
            {
                events.Add("POST create");
                var id = $"new-key-{++_next:D12}";
                var expiration = (string?)jsonBody!["expiration"];
                DateTime? expires = expiration is null ? null : Now + CredentialRotation.ParseWindow(expiration);
                var key = new StoredKey(id, "n3wS3cretn3wS3cretn3wS", Now, expires, jsonBody["access"]!.DeepClone().AsObject(), jsonBody["metadata"]!.DeepClone().AsObject());
                Keys[id] = key;
                var answer = new JsonObject { ["id"] = id, ["name"] = (string?)jsonBody["name"], ["api_key"] = key.Secret, ["encoded"] = key.Encoded };
                if (expires is { } at)
                {
                    answer["expiration"] = new DateTimeOffset(at).ToUnixTimeMilliseconds();
                }

                return Task.FromResult(new ElasticsearchResponse(200, answer));
            }

            if (method == "DELETE" && path == "/_security/api_key")
            {
                var id = (string)jsonBody!["ids"]![0]!;
                events.Add($"DELETE {id}");
                Keys[id].Invalidated = true;
                return Task.FromResult(new ElasticsearchResponse(200, new JsonObject
                {
                    ["invalidated_api_keys"] = new JsonArray(id), ["previously_invalidated_api_keys"] = new JsonArray(), ["error_count"] = 0,
                }));
            }

            throw new InvalidOperationException($"unexpected {method} {path}");
        }

        private static JsonObject Listed(StoredKey key)
        {
            var listed = new JsonObject
            {
                ["id"] = key.Id, ["name"] = "eck-20260101000000", ["type"] = "cross_cluster", ["creation"] = new DateTimeOffset(key.Creation).ToUnixTimeMilliseconds(),
                ["invalidated"] = key.Invalidated, ["username"] = "elastic", ["realm"] = "reserved", ["metadata"] = key.Metadata.DeepClone(),
                ["access"] = key.Access.DeepClone(),
            };
            if (key.Expiration is { } at)
            {
                listed["expiration"] = new DateTimeOffset(at).ToUnixTimeMilliseconds();
            }

            return listed;
        }
    }

    private sealed class NoRequests : IElasticsearchClient
    {
        public string Description => "https://local:9200";

        public Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"unexpected {method} {path}");
    }

    /// <summary>The local cluster's side: every node reloads; the fresh check succeeds unless told to fail.</summary>
    private sealed class CheckingRemotes(List<string> events) : IRemoteClusterService
    {
        public bool CheckFails { get; set; }

        public Task<IReadOnlyList<(string NodeId, string NodeName, string? Failure)>> ReloadSecureSettingsAsync(
            IElasticsearchClient client, SecureString? keystorePassword, IReadOnlyList<string>? nodeNames, CancellationToken cancellationToken)
        {
            events.Add("reload");
            IReadOnlyList<(string, string, string?)> answers = [("id-1", "node-1", null), ("id-2", "node-2", null)];
            return Task.FromResult(answers);
        }

        public Task<RemoteClusterTestResult> WaitConnectedAsync(
            IElasticsearchClient client, string alias, string localVersion, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            events.Add("check");
            return CheckFails
                ? throw new EckRemoteClusterException(ErrorIds.RemoteClusterNotConnected, EckErrorCategory.ConnectionError,
                    $"Remote cluster '{alias}' cannot connect (ApiKeyInvalid), and waiting will not change that: unable to find apikey", "fix it", alias)
                : Task.FromResult(new RemoteClusterTestResult(alias, true, "proxy", "127.0.0.1:9443", null, RemoteClusterSecurityModel.ApiKey, "9.1.0",
                    null, null, null, []));
        }

        public Task<RemoteClusterTestResult> TestAsync(IElasticsearchClient client, string alias, string localVersion, RemoteClusterTestOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RoleChange> PlanRoleAsync(IElasticsearchClient client, RemoteRoleRequest role, string localVersion, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task PutRoleAsync(IElasticsearchClient client, RemoteRoleRequest role, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RemoteCluster>> GetAsync(IElasticsearchClient client, string localCluster, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ClusterSettingsChange> PlanRegistrationAsync(IElasticsearchClient client, RemoteClusterRegistration registration, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ApplySettingsAsync(IElasticsearchClient client, ClusterSettingsChange change, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ClusterSettingsChange> PlanRemovalAsync(IElasticsearchClient client, string alias, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
