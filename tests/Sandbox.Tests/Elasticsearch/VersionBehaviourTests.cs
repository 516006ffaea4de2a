using System.Net.Http.Headers;
using Sandbox.Elasticsearch;
using Sandbox.Elasticsearch.Local;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>A self-managed 8.13.4 cluster.</summary>
public sealed class Local8134Fixture : EsFixture
{
    protected override string LocalVersion => "8.13.4";
}

/// <summary>Behaviour that depends on the Elasticsearch version (8.13.4 here, against 9.1.0 elsewhere).</summary>
public class VersionBehaviourTests(Local8134Fixture fixture) : IClassFixture<Local8134Fixture>
{
    [Fact]
    public void KeystoreIsFormat5BeforeEightFourteen()
    {
        var node = fixture.Local.InstalledNodes[0];
        var contents = ElasticsearchKeystore.Read(File.ReadAllBytes(Path.Combine(node.ConfigDir, "elasticsearch.keystore")), string.Empty);
        Assert.Equal(5, contents.FormatVersion);
    }

    [Fact]
    public async Task SkipUnavailableDefaultsToFalseBeforeEightFifteen()
    {
        using var client = fixture.LocalClient();
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, client, "old", "127.0.0.1:1", null, skipUnavailable: false);
        await client.PutAsync("/_cluster/settings", """{"persistent":{"cluster.remote.old.skip_unavailable":null}}""");
        var (_, info, _) = await client.GetAsync("/_remote/info");
        Assert.False((bool)info!["old"]!["skip_unavailable"]!);
        var (_, root, _) = await client.GetAsync("/");
        Assert.Equal("7.17.0", (string?)root!["version"]!["minimum_wire_compatibility_version"]);
    }

    [Fact]
    public async Task RemoteClusterRoleFieldArrivesInEightFifteen()
    {
        using var client = fixture.LocalClient();
        var (status, body, _) = await client.PutAsync("/_security/role/r",
            """{"remote_cluster":[{"clusters":["my_remote*"],"privileges":["monitor_enrich"]}]}""");
        Assert.Equal(400, status);
        Assert.Equal("failed to parse role [r]. unexpected field [remote_cluster]", (string?)body!["error"]!["reason"]);
    }

    [Fact]
    public async Task SearchKeysAreNotGrantedMonitorEnrichBeforeEightFifteen()
    {
        using var client = fixture.LocalClient();
        var (status, created, _) = await client.PostAsync("/_security/cross_cluster/api_key",
            """{"name":"old-search","access":{"search":[{"names":["a"]}],"replication":[{"names":["b"]}]}}""");
        Assert.Equal(200, status);
        var (_, got, _) = await client.GetAsync($"/_security/api_key?id={created!["id"]}");
        Assert.Equal(
            ["cross_cluster_search", "cross_cluster_replication"],
            got!["api_keys"]![0]!["role_descriptors"]!["cross_cluster"]!["cluster"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task BeforeEightFifteenOneACallerWithManageOnlyGetsAReloadExceptionPerNodeNotA403()
    {
        using var client = fixture.LocalClient();
        var (_, manage, _) = await client.PostAsync("/_security/api_key", """{"name":"manage-only","role_descriptors":{"r":{"cluster":["manage"]}}}""");
        var (status, body, _) = await client.SendAsync(HttpMethod.Post, "/_nodes/reload_secure_settings", "{}",
            new AuthenticationHeaderValue("ApiKey", (string)manage!["encoded"]!));
        Assert.Equal(200, status);
        var nodes = body!["nodes"]!.AsObject().Select(p => p.Value!).ToDictionary(n => (string)n["name"]!);
        Assert.Equal("security_exception", (string?)nodes["node-1"]["reload_exception"]!["type"]);
        Assert.Equal(
            $"action [cluster:admin/xpack/security/remote_cluster_credentials/reload] is unauthorized for API key id [{manage["id"]}] of user [elastic], this action is granted by the cluster privileges [manage_security,all]",
            (string?)nodes["node-1"]["reload_exception"]!["reason"]);
        // node-2's keystore has a password: reading it fails before any plugin reloads.
        Assert.Equal("Provided keystore password was incorrect", (string?)nodes["node-2"]["reload_exception"]!["reason"]);
        Assert.Null(nodes["node-1"]["secure_setting_names"]);
    }

    [Fact]
    public async Task ANodeRefusesAKeystoreFormatNewerThanItsVersionReads()
    {
        var installed = fixture.Local.InstalledNodes[0];
        var path = Path.GetFullPath(Path.Combine(installed.ConfigDir, ElasticsearchKeystore.FileName));
        var original = File.ReadAllBytes(path);
        try
        {
            var contents = ElasticsearchKeystore.Read(original, installed.KeystorePassword);
            File.WriteAllBytes(path, ElasticsearchKeystore.Write(contents.Entries, installed.KeystorePassword, formatVersion: 6));
            const string tooNew = "format is too new. Are you trying to downgrade? You should delete and recreate it in order to downgrade.";

            using var client = fixture.LocalClient();
            var (status, body, _) = await client.PostAsync("/_nodes/node-1/reload_secure_settings", "");
            Assert.Equal(200, status);
            var failure = Assert.Single(body!["nodes"]!.AsObject()).Value!["reload_exception"]!;
            Assert.Equal("illegal_state_exception", (string?)failure["type"]);
            Assert.Equal($"The Elasticsearch keystore [{path}] {tooNew}", (string?)failure["reason"]);
            Assert.Equal("index_format_too_new_exception", (string?)failure["caused_by"]!["type"]);
            Assert.Equal(
                $"Format version is not supported (resource BufferedChecksumIndexInput(SimpleFSIndexInput(path=\"{path}\"))): 6 (needs to be between 3 and 5)",
                (string?)failure["caused_by"]!["reason"]);

            var refused = await Assert.ThrowsAsync<EsException>(() => fixture.Local.RestartNodeAsync("node-1", CancellationToken.None));
            Assert.Equal($"The Elasticsearch keystore [{path}] {tooNew}", refused.Reason);
            Assert.False(fixture.Local.Find("node-1")!.Running);
        }
        finally
        {
            File.WriteAllBytes(path, original);
            await fixture.Local.RestartNodeAsync("node-1", CancellationToken.None);
        }

        Assert.True(fixture.Local.Find("node-1")!.Running);
    }
}
