using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>PUT/GET _cluster/settings with the remote-cluster rules, _remote/info, roles, documents, reload.</summary>
[Collection(SharedEsCollection.Name)]
public class ClusterSettingsTests(EsFixture fixture)
{
    [Fact]
    public async Task ProxyRemoteIsEchoedAsStringsAndShownByRemoteInfo()
    {
        using var client = fixture.LocalClient();
        var (status, body, _) = await client.PutAsync("/_cluster/settings", """
            {"persistent":{"cluster":{"remote":{"eck1":{"mode":"proxy","proxy_address":"1.2.3.4:9443",
             "server_name":"quickstart-es-remote-cluster.default.svc","proxy_socket_connections":18,"skip_unavailable":true}}}}}
            """);
        Assert.Equal(200, status);
        Assert.True((bool)body!["acknowledged"]!);
        var echoed = body["persistent"]!["cluster"]!["remote"]!["eck1"]!;
        Assert.Equal("18", (string?)echoed["proxy_socket_connections"]);
        Assert.Equal("true", (string?)echoed["skip_unavailable"]);
        Assert.Empty(body["transient"]!.AsObject());

        var (_, flat, _) = await client.GetAsync("/_cluster/settings?flat_settings=true");
        Assert.Equal("1.2.3.4:9443", (string?)flat!["persistent"]!["cluster.remote.eck1.proxy_address"]);

        var info = await EsTestClient.EventuallyAsync(() => client.GetAsync("/_remote/info"), r => r.Body?["eck1"] is not null);
        var eck1 = info.Body!["eck1"]!;
        Assert.False((bool)eck1["connected"]!);
        Assert.Equal("proxy", (string?)eck1["mode"]);
        Assert.Equal("quickstart-es-remote-cluster.default.svc", (string?)eck1["server_name"]);
        Assert.Equal(0, (int)eck1["num_proxy_sockets_connected"]!);
        Assert.Equal(18, (int)eck1["max_proxy_socket_connections"]!);
        Assert.Equal("30s", (string?)eck1["initial_connect_timeout"]);
        Assert.Null(eck1["cluster_credentials"]);

        (status, body, _) = await client.PutAsync("/_cluster/settings", """
            {"persistent":{"cluster":{"remote":{"eck1":{"mode":null,"proxy_address":null,"server_name":null,"proxy_socket_connections":null,"skip_unavailable":null}}}}}
            """);
        Assert.Equal(200, status);
        var (_, after, _) = await client.GetAsync("/_cluster/settings");
        Assert.Null(after!["persistent"]!["cluster"]);
        info = await EsTestClient.EventuallyAsync(() => client.GetAsync("/_remote/info"), r => r.Body?["eck1"] is null);
        Assert.Empty(info.Body!.AsObject());
    }

    private static string Persistent(JsonObject settings) => new JsonObject { ["persistent"] = settings }.ToJsonString();

    [Fact]
    public async Task SettingsUpdatesSentAtOnceAllLand()
    {
        // Elasticsearch's master computes each update from the state the previous one produced; none is lost.
        using var client = fixture.LocalClient();
        var keys = Enumerable.Range(0, 16).Select(i => $"logger.org.example.concurrent{i}").ToList();
        try
        {
            var puts = keys.Select(key => client.PutAsync("/_cluster/settings", Persistent(new JsonObject { [key] = "DEBUG" })));
            Assert.All(await Task.WhenAll(puts), r => Assert.Equal(200, r.Status));
            var (_, flat, _) = await client.GetAsync("/_cluster/settings?flat_settings=true");
            Assert.All(keys, key => Assert.Equal("DEBUG", (string?)flat!["persistent"]![key]));
        }
        finally
        {
            var nulls = new JsonObject();
            keys.ForEach(key => nulls[key] = null);
            await client.PutAsync("/_cluster/settings", Persistent(nulls));
        }
    }

    [Fact]
    public async Task ARemovedRemoteIsGoneFromRemoteInfoWhenTheSettingsUpdateAnswersEvenWhileAnotherRemoteIsConnecting()
    {
        // A port that accepts TCP and never answers the TLS handshake: the connection attempts to 'stalled' stay pending
        // (until the test closes them, at most the sandbox's 10 s handshake timeout) and hold each node's refresh of its
        // remote connections; the update that added 'stalled' is not answered meanwhile.
        using var silent = new HeldRemote();
        using var client = fixture.LocalClient();
        Task<(int Status, JsonNode? Body, HttpResponseMessage Response)>? addStalled = null;
        try
        {
            var (status, _, _) = await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.leaving.mode":"proxy","cluster.remote.leaving.proxy_address":"127.0.0.1:1"}}""");
            Assert.Equal(200, status);
            Assert.NotNull((await client.GetAsync("/_remote/info")).Body?["leaving"]);
            addStalled = client.PutAsync("/_cluster/settings", $$$"""{"persistent":{"cluster.remote.stalled.mode":"proxy","cluster.remote.stalled.proxy_address":"127.0.0.1:{{{silent.Port}}}"}}""");
            await silent.HoldAttemptsAsync(fixture.Local.Cluster.Nodes.Count);

            (status, _, _) = await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.leaving.*":null}}""");
            Assert.Equal(200, status);
            // No waiting: Elasticsearch removes it on the applier thread before the update is acknowledged.
            var (_, info, _) = await client.GetAsync("/_remote/info");
            Assert.Null(info!["leaving"]);
            Assert.NotNull(info["stalled"]);
            Assert.False(addStalled.IsCompleted);
        }
        finally
        {
            silent.Release();
            if (addStalled is not null)
            {
                await addStalled;
            }

            await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.leaving.*":null,"cluster.remote.stalled.*":null}}""");
        }
    }

    [Fact]
    public async Task AnUpdateThatAddsARemoteIsAnsweredOnlyOnceEachNodesFirstConnectionAttemptEnded()
    {
        // RemoteClusterService.updateRemoteCluster waits (up to 10 s) on the applier thread for the new connection's first
        // attempt, so PUT _cluster/settings answers after it. The attempts here hang until the test closes them.
        using var remote = new HeldRemote();
        using var client = fixture.LocalClient();
        try
        {
            var put = client.PutAsync("/_cluster/settings", $$$"""{"persistent":{"cluster.remote.held.mode":"proxy","cluster.remote.held.proxy_address":"127.0.0.1:{{{remote.Port}}}"}}""");
            await remote.HoldAttemptsAsync(fixture.Local.Cluster.Nodes.Count);
            // A negative needs a window: while the attempts are pending, no answer.
            Assert.False(await AnsweredWithinAsync(put, TimeSpan.FromSeconds(1)));

            remote.Release();
            var answered = Stopwatch.StartNew();
            var (status, _, _) = await put.WaitAsync(TimeSpan.FromSeconds(8));
            Assert.Equal(200, status);
            Assert.True(answered.Elapsed < EsCluster.RemoteUpdateWait, $"answered after {answered.Elapsed}, not when the attempts failed");
            // The attempts had ended when the update was answered: every node already holds their outcome.
            Assert.All(fixture.Local.Cluster.Nodes, node =>
            {
                var connection = node.Connections.Current["held"];
                Assert.False(connection.Connected);
                Assert.Equal("no_seed_node_left_exception", connection.LastError?.Type);
            });
        }
        finally
        {
            remote.Release();
            await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.held.*":null}}""");
        }
    }

    [Fact]
    public async Task ChangingOnlySkipUnavailableKeepsTheConnectionAndAnswersAtOnce()
    {
        // RemoteClusterService.updateRemoteCluster rebuilds only when shouldRebuildConnection says so; skip_unavailable
        // alone is set on the existing connection. The remote here would hold any new attempt open.
        using var remote = new HeldRemote();
        using var client = fixture.LocalClient();
        try
        {
            var add = client.PutAsync("/_cluster/settings", $$$"""{"persistent":{"cluster.remote.kept.mode":"proxy","cluster.remote.kept.proxy_address":"127.0.0.1:{{{remote.Port}}}","cluster.remote.kept.skip_unavailable":false}}""");
            await remote.HoldAttemptsAsync(fixture.Local.Cluster.Nodes.Count);
            remote.Release();
            Assert.Equal(200, (await add).Status);
            var before = fixture.Local.Cluster.Nodes.Select(n => n.Connections.Current["kept"]).ToList();

            var (status, _, _) = await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.kept.skip_unavailable":true}}""")
                .WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(200, status);
            Assert.Equal(before, fixture.Local.Cluster.Nodes.Select(n => n.Connections.Current["kept"]), ReferenceEqualityComparer.Instance);
            Assert.All(before, connection => Assert.True(connection.Config.SkipUnavailable));
            Assert.True((bool)(await client.GetAsync("/_remote/info")).Body!["kept"]!["skip_unavailable"]!);
            Assert.False(remote.AttemptPending);
        }
        finally
        {
            remote.Dispose();
            await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.kept.*":null}}""");
        }
    }

    internal static async Task<bool> AnsweredWithinAsync(Task answer, TimeSpan window) =>
        await Task.WhenAny(answer, Task.Delay(window)) == answer;

    [Theory]
    [InlineData("""{"persistent":{"cluster.remote.x.mode":"proxy","cluster.remote.x.proxy_address":"h:9443","cluster.remote.x.node_connections":3}}""",
        "Setting \"cluster.remote.x.node_connections\" cannot be used with the configured \"cluster.remote.x.mode\" [required=SNIFF, configured=PROXY]")]
    [InlineData("""{"persistent":{"cluster.remote.x.mode":"proxy","cluster.remote.x.proxy_address":"h"}}""",
        "remote hosts need to be configured as [host:port], found [h] instead")]
    [InlineData("""{"persistent":{"cluster.remote.x.skip_unavailable":true}}""",
        "Cannot configure setting [cluster.remote.x.skip_unavailable] if remote cluster is not enabled.")]
    [InlineData("""{"persistent":{"cluster.remote.a:b.seeds":["h:9300"]}}""",
        "persistent setting [cluster.remote.a:b.seeds], not recognized")]
    [InlineData("""{"transient":{"cluster.remote.café.seeds":["h:9300"]}}""",
        "transient setting [cluster.remote.café.seeds], not recognized")]
    [InlineData("""{"persistent":{"cluster.remote.x.seeds":["h:0"]}}""", "port number must be > 0 but was: [0]")]
    [InlineData("""{"persistent":{"cluster.remote.x.seeds":["h:9300","h:-1"]}}""", "port number must be > 0 but was: [-1]")]
    [InlineData("""{"persistent":{"cluster.remote.x.seeds":["h"]}}""", "remote hosts need to be configured as [host:port], found [h] instead")]
    [InlineData("""{"persistent":{"cluster.remote.x.seeds":["h:9300"],"cluster.remote.x.server_name":"s"}}""",
        "Setting \"cluster.remote.x.server_name\" cannot be used with the configured \"cluster.remote.x.mode\" [required=PROXY, configured=SNIFF]")]
    [InlineData("""{"persistent":{"cluster.remote.x.seeds":["h:9300"],"cluster.remote.x.node_connections":0}}""",
        "Failed to parse value [0] for setting [cluster.remote.x.node_connections] must be >= 1")]
    [InlineData("""{"persistent":{"cluster.remote.x.mode":"tunnel"}}""",
        "No enum constant org.elasticsearch.transport.RemoteConnectionStrategy.ConnectionStrategy.TUNNEL")]
    [InlineData("""{"persistent":{"cluster.remote.x.seeds":["h:9300"],"cluster.remote.x.transport.compress":"maybe"}}""",
        "No enum constant org.elasticsearch.transport.Compression.Enabled.MAYBE")]
    [InlineData("""{"persistent":{"cluster.remote.x.transport.ping_schedule":"5s"}}""",
        "Cannot configure setting [cluster.remote.x.transport.ping_schedule] if remote cluster is not enabled.")]
    [InlineData("""{"persistent":{"cluster.remote.x.mode":"proxy","cluster.remote.x.skip_unavailable":true}}""",
        "Cannot configure setting [cluster.remote.x.skip_unavailable] if remote cluster is not enabled.")]
    [InlineData("""{"persistent":{"cluster.remote.x.mode":"proxy","cluster.remote.x.proxy_address":"h:9443","cluster.remote.x.proxy":"p:1"}}""",
        "missing required setting [cluster.remote.x.seeds] for setting [cluster.remote.x.proxy]")]
    public async Task InvalidRemoteSettingsAre400(string body, string reason)
    {
        using var client = fixture.LocalClient(2);
        var (status, error, _) = await client.PutAsync("/_cluster/settings", body);
        Assert.Equal(400, status);
        Assert.Equal("illegal_argument_exception", (string?)error!["error"]!["type"]);
        Assert.Equal(reason, (string?)error["error"]!["reason"]);
        var (_, settings, _) = await client.GetAsync("/_cluster/settings?flat_settings=true");
        Assert.DoesNotContain(settings!["persistent"]!.AsObject(), p => p.Key.StartsWith("cluster.remote.x.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("h:abc", "abc")]
    [InlineData("h:", "")]
    [InlineData("[::1]:99999999999", "99999999999")]
    public async Task APortThatIsNotANumberFailsWithTheNumberFormatCause(string address, string port)
    {
        using var client = fixture.LocalClient();
        var (status, error, _) = await client.PutAsync("/_cluster/settings",
            $$$"""{"persistent":{"cluster.remote.p.mode":"proxy","cluster.remote.p.proxy_address":"{{{address}}}"}}""");
        Assert.Equal(400, status);
        Assert.Equal("failed to parse port", (string?)error!["error"]!["reason"]);
        Assert.Equal("number_format_exception", (string?)error["error"]!["caused_by"]!["type"]);
        Assert.Equal($"For input string: \"{port}\"", (string?)error["error"]!["caused_by"]!["reason"]);
    }

    [Fact]
    public async Task RemovingTheSeedsAloneFailsWhileSkipUnavailableStillNeedsThem()
    {
        using var client = fixture.LocalClient();
        var (status, _, _) = await client.PutAsync("/_cluster/settings",
            """{"persistent":{"cluster.remote.r1.seeds":["127.0.0.1:1"],"cluster.remote.r1.skip_unavailable":true}}""");
        Assert.Equal(200, status);
        var (failed, error, _) = await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.r1.seeds":null}}""");
        Assert.Equal(400, failed);
        Assert.Equal("Cannot configure setting [cluster.remote.r1.skip_unavailable] if remote cluster is not enabled.", (string?)error!["error"]!["reason"]);
        (status, _, _) = await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.r1.*":null}}""");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task EachScopeMustBeValidByItself()
    {
        using var client = fixture.LocalClient();
        var (status, _, _) = await client.PutAsync("/_cluster/settings",
            """{"persistent":{"cluster.remote.split.mode":"proxy","cluster.remote.split.proxy_address":"127.0.0.1:1"}}""");
        Assert.Equal(200, status);
        // Together with the persistent address the remote is enabled, but the transient settings alone do not enable it.
        var (failed, error, _) = await client.PutAsync("/_cluster/settings", """{"transient":{"cluster.remote.split.skip_unavailable":false}}""");
        Assert.Equal(400, failed);
        Assert.Equal("Cannot configure setting [cluster.remote.split.skip_unavailable] if remote cluster is not enabled.", (string?)error!["error"]!["reason"]);
        (status, _, _) = await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.split.*":null}}""");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task TheChangedKeysAreValidatedAgainstPersistentAndTransientTogether()
    {
        using var client = fixture.LocalClient();
        // A mode without an address is allowed on its own.
        var (status, _, _) = await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.merged.mode":"proxy"}}""");
        Assert.Equal(200, status);
        // Transient seeds are valid by themselves (sniff is the default), but the effective mode is proxy.
        var (failed, error, _) = await client.PutAsync("/_cluster/settings", """{"transient":{"cluster.remote.merged.seeds":["127.0.0.1:1"]}}""");
        Assert.Equal(400, failed);
        Assert.Equal(
            "Setting \"cluster.remote.merged.seeds\" cannot be used with the configured \"cluster.remote.merged.mode\" [required=SNIFF, configured=PROXY]",
            (string?)error!["error"]!["reason"]);
        var (_, settings, _) = await client.GetAsync("/_cluster/settings?flat_settings=true");
        Assert.Empty(settings!["transient"]!.AsObject());
        (status, _, _) = await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.merged.mode":null}}""");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task SniffRemoteShowsSeedsAndDefaults()
    {
        using var client = fixture.LocalClient();
        await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster":{"remote":{"sniffy":{"seeds":["10.1.2.3:9300"]}}}}}""");
        var info = await EsTestClient.EventuallyAsync(() => client.GetAsync("/_remote/info"), r => r.Body?["sniffy"] is not null);
        var sniffy = info.Body!["sniffy"]!;
        Assert.Equal("sniff", (string?)sniffy["mode"]);
        Assert.Equal("10.1.2.3:9300", (string?)sniffy["seeds"]![0]);
        Assert.Equal(3, (int)sniffy["max_connections_per_cluster"]!);
        Assert.True((bool)sniffy["skip_unavailable"]!);
        await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.sniffy.seeds":null}}""");
    }

    [Fact]
    public async Task RolesWithRemoteIndicesAndRemoteCluster()
    {
        using var client = fixture.LocalClient();
        var role = """
            {"remote_indices":[{"clusters":["my_remote*"],"names":["logs*"],"privileges":["read","read_cross_cluster","view_index_metadata"]}],
             "remote_cluster":[{"clusters":["my_remote*"],"privileges":["monitor_enrich"]}]}
            """;
        var (status, body, _) = await client.PutAsync("/_security/role/remote-reader", role);
        Assert.Equal(200, status);
        Assert.True((bool)body!["role"]!["created"]!);
        (_, body, _) = await client.PutAsync("/_security/role/remote-reader", role);
        Assert.False((bool)body!["role"]!["created"]!);
        (status, body, _) = await client.GetAsync("/_security/role/remote-reader");
        Assert.Equal("my_remote*", (string?)body!["remote-reader"]!["remote_indices"]![0]!["clusters"]![0]);
        Assert.Equal("monitor_enrich", (string?)body["remote-reader"]!["remote_cluster"]![0]!["privileges"]![0]);
        (status, body, _) = await client.DeleteAsync("/_security/role/remote-reader", "");
        Assert.True((bool)body!["found"]!);
        (status, _, _) = await client.GetAsync("/_security/role/remote-reader");
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task DocumentsAreSearchableAfterRefresh()
    {
        using var client = fixture.LocalClient();
        var (status, body, _) = await client.PutAsync("/local-logs/_doc/1", """{"message":"hello"}""");
        Assert.Equal(201, status);
        Assert.Equal("created", (string?)body!["result"]);
        await client.PostAsync("/local-logs/_doc", """{"message":"second"}""");
        await client.PostAsync("/_refresh", "");
        using var other = fixture.LocalClient(2);
        (status, body, _) = await other.SendAsync(HttpMethod.Get, "/local-logs/_search", """{"query":{"match_all":{}}}""");
        Assert.Equal(200, status);
        Assert.Equal(2, (int)body!["hits"]!["total"]!["value"]!);
        (_, body, _) = await other.GetAsync("/local-logs/_search?size=0");
        Assert.Equal(2, (int)body!["hits"]!["total"]!["value"]!);
        Assert.Empty(body["hits"]!["hits"]!.AsArray());
        (status, body, _) = await other.GetAsync("/missing-index/_search");
        Assert.Equal(404, status);
        Assert.Equal("index_not_found_exception", (string?)body!["error"]!["type"]);
    }

    [Fact]
    public async Task ReloadSecureSettingsReportsTheNodeWithAWrongKeystorePassword()
    {
        using var client = fixture.LocalClient();
        var (status, body, _) = await client.PostAsync("/_nodes/reload_secure_settings", "");
        Assert.Equal(200, status);
        Assert.Equal(2, (int)body!["_nodes"]!["total"]!);
        Assert.Equal("local-cluster", (string?)body["cluster_name"]);
        var nodes = body["nodes"]!.AsObject().Select(p => p.Value!).ToList();
        var node1 = nodes.Single(n => (string?)n["name"] == "node-1");
        var node2 = nodes.Single(n => (string?)n["name"] == "node-2");
        Assert.Null(node1["reload_exception"]);
        Assert.Equal("security_exception", (string?)node2["reload_exception"]!["type"]);
        Assert.Equal("Provided keystore password was incorrect", (string?)node2["reload_exception"]!["reason"]);
    }
}
