using System.Text.Json.Nodes;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>An ECK cluster whose remote cluster server is not enabled yet.</summary>
public sealed class EckWithoutServerFixture : EsFixture
{
    protected override bool RemoteClusterServerAtStart => false;
}

/// <summary>The documented self-managed → ECK procedure (API-key model) end to end, with plain HTTP and file edits.</summary>
public class EndToEndTests(EckWithoutServerFixture fixture) : IClassFixture<EckWithoutServerFixture>
{
    [Fact]
    public async Task DocumentedProcedureConnectsAndCrossClusterSearchReturnsRemoteDocuments()
    {
        using var eck = fixture.EckClient();
        using var local1 = fixture.LocalClient(1);
        using var local2 = fixture.LocalClient(2);
        Assert.Null(fixture.Fleet.ResolvePodPort("elastic", fixture.Eck.Nodes[0].PodName, 9443));

        // 1. Enable the remote cluster server (ECK rolls the pods), 2. expose 9443, 3. extract the transport CA.
        await RemoteClusterProcedure.EnableRemoteClusterServerAsync(fixture);
        var address = RemoteClusterProcedure.ExposedAddress(fixture);
        var caPem = fixture.Eck.TransportCaPem;

        // Documents on the remote to find later.
        await eck.PutAsync("/logs-app/_doc/1?refresh=true", """{"message":"from eck","category":"shared"}""");
        await eck.PutAsync("/secret/_doc/1?refresh=true", """{"message":"not shared"}""");

        // 4. Create the cross-cluster API key on the remote.
        var encoded = await RemoteClusterProcedure.CreateCrossClusterKeyAsync(eck, "to-local");

        // 5-7. On every local node: CA file, elasticsearch.yml, keystore entry.
        foreach (var node in fixture.Local.InstalledNodes)
        {
            RemoteClusterProcedure.WriteCaFile(node.ConfigDir, caPem);
            RemoteClusterProcedure.AddRemoteClusterClientSettings(node.ConfigDir);
            RemoteClusterProcedure.AddKeystoreEntry(node, "cluster.remote.eck1.credentials", encoded);
        }

        // Before the restart: reload picks up the credential, but the static CA setting is not applied yet.
        var (_, reload, _) = await local1.SendAsync(HttpMethod.Post, "/_nodes/node-1/reload_secure_settings", new JsonObject());
        Assert.Null(reload!["nodes"]!.AsObject().Single().Value!["reload_exception"]);
        var (status, _) = await RemoteClusterProcedure.RegisterProxyAsync(fixture, local1, "eck1", address, fixture.Eck.ServerName);
        Assert.Equal(200, status);
        var (_, info, _) = await local1.GetAsync("/_remote/info");
        Assert.False((bool)info!["eck1"]!["connected"]!);
        var (searchStatus, failed, _) = await local1.GetAsync("/eck1:logs-*/_search");
        Assert.Equal(500, searchStatus);
        Assert.DoesNotContain("PKIX", failed!.ToJsonString());
        Assert.Contains("no_seed_node_left_exception", failed.ToJsonString());
        Assert.Contains("PKIX path building failed", File.ReadAllText(Path.Combine(fixture.Local.InstalledNodes[0].HomeDir, "logs", fixture.Local.Cluster.State.ClusterName + ".log")));
        Assert.Contains("[xpack.security.remote_cluster_client.ssl]",
            fixture.Local.Cluster.Nodes[0].Connections.Current["eck1"].Diagnostic);

        // 8. Restart every node: the static settings and keystore are read at start.
        await RemoteClusterProcedure.RestartAllAsync(fixture);
        await RemoteClusterProcedure.WaitForConnectionsAsync(fixture);

        // 9. The remote is registered (persistent setting); every node is connected now.
        foreach (var client in new[] { local1, local2 })
        {
            (_, info, _) = await client.GetAsync("/_remote/info");
            var eck1 = info!["eck1"]!;
            Assert.True((bool)eck1["connected"]!, info.ToJsonString());
            Assert.Equal("::es_redacted::", (string?)eck1["cluster_credentials"]);
            Assert.Equal(18, (int)eck1["num_proxy_sockets_connected"]!);
        }

        var (_, resolved, _) = await local2.GetAsync("/_resolve/cluster/eck1:*");
        Assert.True((bool)resolved!["eck1"]!["connected"]!);
        Assert.True((bool)resolved["eck1"]!["matching_indices"]!);
        Assert.Equal("9.1.0", (string?)resolved["eck1"]!["version"]!["number"]);

        // Cross-cluster search, answered by the remote through the TLS connection, limited by the key's access.
        (searchStatus, var result, _) = await local2.SendAsync(HttpMethod.Get, "/eck1:logs-*/_search", """{"query":{"match_all":{}}}""");
        Assert.Equal(200, searchStatus);
        var hit = result!["hits"]!["hits"]![0]!;
        Assert.Equal("eck1:logs-app", (string?)hit["_index"]);
        Assert.Equal("from eck", (string?)hit["_source"]!["message"]);
        Assert.Equal(1, (int)result["_clusters"]!["successful"]!);
        (searchStatus, result, _) = await local2.GetAsync("/eck1:*/_search");
        Assert.Equal(1, (int)result!["hits"]!["total"]!["value"]!);

        await local1.PutAsync("/local-logs/_doc/1?refresh=true", """{"message":"from local"}""");
        (_, result, _) = await local1.GetAsync("/eck1:logs-*,local-logs/_search");
        Assert.True(result?["hits"]?["total"]?["value"] is not null, result?.ToJsonString());
        Assert.Equal(2, (int)result!["hits"]!["total"]!["value"]!);
        Assert.Equal(2, (int)result["_clusters"]!["total"]!);

        // A remote pod restarting drops the connection; the node notices and reconnects.
        await fixture.Fleet.RestartEckNodeAsync(fixture.Eck.Spec(remoteClusterServer: true), fixture.Eck.Nodes[0].PodName, CancellationToken.None);
        var reconnected = await EsTestClient.EventuallyAsync(() => local1.GetAsync("/_remote/info"),
            r => r.Body?["eck1"]?["connected"]?.GetValue<bool>() == true);
        Assert.True((bool)reconnected.Body!["eck1"]!["connected"]!);
        (searchStatus, _, _) = await local1.GetAsync("/eck1:logs-*/_search");
        Assert.Equal(200, searchStatus);

        // The remote cluster going away shows as not connected.
        await fixture.Fleet.RemoveEckClusterAsync(fixture.Eck.Namespace, fixture.Eck.Name);
        var gone = await EsTestClient.EventuallyAsync(() => local1.GetAsync("/_remote/info"),
            r => r.Body?["eck1"]?["connected"]?.GetValue<bool>() == false);
        Assert.False((bool)gone.Body!["eck1"]!["connected"]!);
    }
}
