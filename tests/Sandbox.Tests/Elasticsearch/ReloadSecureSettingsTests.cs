using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Sandbox.Elasticsearch.Local;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>A self-managed 9.3.0 cluster: reload_secure_settings reports the keystore it read.</summary>
public sealed class Local93Fixture : EsFixture
{
    protected override string LocalVersion => "9.3.0";
}

/// <summary>reload_secure_settings: node filters, per-version fields, which connections a credential change rebuilds.</summary>
public class ReloadSecureSettingsTests(Local93Fixture fixture) : IClassFixture<Local93Fixture>
{
    [Fact]
    public async Task NineThreeReportsTheKeystoreEachNodeRead()
    {
        using var client = fixture.LocalClient();
        var (status, body, _) = await client.PostAsync("/_nodes/node-1/reload_secure_settings", "");
        Assert.Equal(200, status);
        var node = Assert.Single(body!["nodes"]!.AsObject()).Value!;
        var installed = fixture.Local.InstalledNodes[0];
        var path = Path.GetFullPath(Path.Combine(installed.ConfigDir, ElasticsearchKeystore.FileName));
        Assert.Null(node["reload_exception"]);
        Assert.Contains("keystore.seed", node["secure_setting_names"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(path, (string?)node["keystore_path"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), (string?)node["keystore_digest"]);
        var modified = DateTimeOffset.Parse((string)node["keystore_last_modified_time"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(File.GetLastWriteTimeUtc(path), modified.UtcDateTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal(["name", "secure_setting_names", "keystore_path", "keystore_digest", "keystore_last_modified_time"],
            node.AsObject().Select(p => p.Key));
    }

    [Theory]
    [InlineData(1, "_local", new[] { "node-1" })]
    [InlineData(2, "_local", new[] { "node-2" })]
    [InlineData(1, "node-2", new[] { "node-2" })]
    [InlineData(1, "node-*", new[] { "node-1", "node-2" })]
    [InlineData(1, "_all", new[] { "node-1", "node-2" })]
    [InlineData(1, "node-1,master:false", new string[0])]
    [InlineData(1, "nosuchnode", new string[0])]
    public async Task NodeFiltersSelectTheNodesThatReload(int via, string filter, string[] expected)
    {
        using var client = fixture.LocalClient(via);
        var keystorePassword = fixture.Local.InstalledNodes[1].KeystorePassword;
        var (status, body, _) = await client.PostAsync($"/_nodes/{filter}/reload_secure_settings",
            new JsonObject { ["secure_settings_password"] = keystorePassword }.ToJsonString());
        Assert.Equal(200, status);
        Assert.Equal(expected.Length, (int)body!["_nodes"]!["total"]!);
        Assert.Equal(expected, body["nodes"]!.AsObject().Select(p => (string)p.Value!["name"]!).Order());
    }

    [Fact]
    public async Task OnlyAnAddedOrRemovedCredentialRebuildsTheConnection()
    {
        using var client = fixture.LocalClient();
        var installed = fixture.Local.InstalledNodes[0];
        var node = fixture.Local.Find("node-1")!;
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, client, "rot", "127.0.0.1:1", null);
        var before = node.Connections.Current["rot"];

        async Task ReloadNode1()
        {
            var (status, body, _) = await client.PostAsync("/_nodes/node-1/reload_secure_settings", "");
            Assert.Equal(200, status);
            Assert.Null(body!["nodes"]![node.Id]!["reload_exception"]);
            await node.WhenIdleAsync();
        }

        RemoteClusterProcedure.AddKeystoreEntry(installed, "cluster.remote.rot.credentials", "Zmlyc3Q6a2V5");
        await ReloadNode1();
        var added = node.Connections.Current["rot"];
        Assert.NotSame(before, added);
        Assert.Equal("Zmlyc3Q6a2V5", node.RemoteCredentials["rot"]);

        RemoteClusterProcedure.AddKeystoreEntry(installed, "cluster.remote.rot.credentials", "c2Vjb25kOmtleQ==");
        await ReloadNode1();
        Assert.Same(added, node.Connections.Current["rot"]);
        Assert.Equal("c2Vjb25kOmtleQ==", node.RemoteCredentials["rot"]);

        RemoveKeystoreEntry(installed, "cluster.remote.rot.credentials");
        await ReloadNode1();
        Assert.NotSame(added, node.Connections.Current["rot"]);
        Assert.False(node.RemoteCredentials.ContainsKey("rot"));
        await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.rot.*":null}}""");
    }

    [Fact]
    public async Task AReloadThatRebuildsAConnectionAnswersOnlyOnceItsAttemptEnded()
    {
        // Security.reloadRemoteClusterCredentials blocks on TransportReloadRemoteClusterCredentialsAction, which answers
        // when RemoteClusterService has rebuilt the connections of aliases whose credential was added or removed. The
        // attempts here hang until the test closes them.
        using var remote = new HeldRemote();
        using var client = fixture.LocalClient();
        var installed = fixture.Local.InstalledNodes[0];
        var node = fixture.Local.Find("node-1")!;
        try
        {
            var register = client.PutAsync("/_cluster/settings", $$$"""{"persistent":{"cluster.remote.rebuilt.mode":"proxy","cluster.remote.rebuilt.proxy_address":"127.0.0.1:{{{remote.Port}}}"}}""");
            await remote.HoldAttemptsAsync(fixture.Local.Cluster.Nodes.Count);
            remote.Release();
            Assert.Equal(200, (await register).Status);
            var before = node.Connections.Current["rebuilt"];

            RemoteClusterProcedure.AddKeystoreEntry(installed, "cluster.remote.rebuilt.credentials", "Zmlyc3Q6a2V5");
            var reload = client.PostAsync("/_nodes/node-1/reload_secure_settings", "");
            await remote.HoldAttemptsAsync(1);
            // A negative needs a window: while the rebuilt connection's attempt is pending, no answer.
            Assert.False(await ClusterSettingsTests.AnsweredWithinAsync(reload, TimeSpan.FromSeconds(1)));

            remote.Release();
            var (status, body, _) = await reload.WaitAsync(TimeSpan.FromSeconds(8));
            Assert.Equal(200, status);
            Assert.Null(body!["nodes"]![node.Id]!["reload_exception"]);
            // The rebuilt connection (with the credential) had made its attempt when the reload answered.
            var rebuilt = node.Connections.Current["rebuilt"];
            Assert.NotSame(before, rebuilt);
            Assert.NotNull(rebuilt.Credentials);
            Assert.False(rebuilt.Connected);
            Assert.NotNull(rebuilt.LastError);
        }
        finally
        {
            remote.Dispose();
            await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.rebuilt.*":null}}""");
            RemoveKeystoreEntry(installed, "cluster.remote.rebuilt.credentials");
            await client.PostAsync("/_nodes/node-1/reload_secure_settings", "");
        }
    }

    [Fact]
    public async Task ManageIsEnoughToReloadRemoteCredentialsSinceEightFifteenOne()
    {
        using var client = fixture.LocalClient();
        var (_, manage, _) = await client.PostAsync("/_security/api_key", """{"name":"manage-only","role_descriptors":{"r":{"cluster":["manage"]}}}""");
        var (status, body, _) = await client.SendAsync(HttpMethod.Post, "/_nodes/node-1/reload_secure_settings", "{}",
            new AuthenticationHeaderValue("ApiKey", (string)manage!["encoded"]!));
        Assert.Equal(200, status);
        Assert.Null(Assert.Single(body!["nodes"]!.AsObject()).Value!["reload_exception"]);
    }

    private static void RemoveKeystoreEntry(LocalNodeInstaller.InstalledNode node, string name)
    {
        var path = Path.Combine(node.ConfigDir, ElasticsearchKeystore.FileName);
        var current = ElasticsearchKeystore.Read(File.ReadAllBytes(path), node.KeystorePassword);
        var entries = current.Entries.Where(e => e.Key != name).ToDictionary(e => e.Key, e => e.Value);
        File.WriteAllBytes(path, ElasticsearchKeystore.Write(entries, node.KeystorePassword, current.FormatVersion));
    }
}
