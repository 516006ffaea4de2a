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
}
