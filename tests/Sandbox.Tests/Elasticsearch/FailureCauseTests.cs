using System.Text;
using System.Text.Json.Nodes;
using Sandbox.Pki;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// A local cluster configured by the documented procedure (CA file, yml, restart) whose keystores hold a credential per
/// alias used below: good keys, a wrong one, a REST key, an expiring one, an invalidated one, one on node-1 only.
/// </summary>
public sealed class ConfiguredLocalFixture : EsFixture
{
    public string RestKeyId { get; private set; } = string.Empty;

    public string RevokedKeyId { get; private set; } = string.Empty;

    /// <summary>The key made with a 1 s expiration, behind the alias "expired".</summary>
    public string ExpiringKeyId { get; private set; } = string.Empty;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var eck = EckClient();
        await eck.PutAsync("/logs-app/_doc/1?refresh=true", """{"message":"from eck"}""");
        await eck.PutAsync("/secret/_doc/1?refresh=true", """{"message":"not shared"}""");
        var good = await RemoteClusterProcedure.CreateCrossClusterKeyAsync(eck, "good");
        var revoked = await RemoteClusterProcedure.CreateCrossClusterKeyAsync(eck, "revoked");
        RevokedKeyId = IdOf(revoked);
        var invalidated = await RemoteClusterProcedure.CreateCrossClusterKeyAsync(eck, "invalidated");
        await eck.DeleteAsync("/_security/api_key", $$"""{"ids":["{{IdOf(invalidated)}}"]}""");
        var expiring = await RemoteClusterProcedure.CreateCrossClusterKeyAsync(eck, "expiring", expiration: "1s");
        ExpiringKeyId = IdOf(expiring);
        var (_, rest, _) = await eck.PostAsync("/_security/api_key", """{"name":"a-rest-key"}""");
        RestKeyId = (string)rest!["id"]!;
        var credentials = new Dictionary<string, string>
        {
            ["eck1"] = good, ["wrongname"] = good, ["noname"] = good, ["wrongca"] = good, ["port9300"] = good, ["headless"] = good,
            ["sniff"] = good, ["http9200"] = good, ["offbox"] = good, ["revoked"] = revoked, ["invalidated"] = invalidated,
            ["expired"] = expiring, ["restkey"] = (string)rest["encoded"]!,
            ["wrongkey"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("abcdefghijklmnopqrst:wrongsecretwrongsecret")),
        };
        foreach (var node in Local.InstalledNodes)
        {
            RemoteClusterProcedure.WriteCaFile(node.ConfigDir, Eck.TransportCaPem);
            RemoteClusterProcedure.AddRemoteClusterClientSettings(node.ConfigDir);
            var entries = credentials.ToDictionary(c => $"cluster.remote.{c.Key}.credentials", c => c.Value);
            if (node == Local.InstalledNodes[0])
            {
                entries["cluster.remote.onenode.credentials"] = good;
            }

            RemoteClusterProcedure.AddKeystoreEntries(node, entries);
        }

        await RemoteClusterProcedure.RestartAllAsync(this);
    }

    private static string IdOf(string encoded) => Encoding.UTF8.GetString(Convert.FromBase64String(encoded)).Split(':')[0];
}

/// <summary>Each cause of a failed remote connection, surfacing with Elasticsearch's message.</summary>
public class FailureCauseTests(ConfiguredLocalFixture fixture) : IClassFixture<ConfiguredLocalFixture>
{
    private string Rcs => RemoteClusterProcedure.ExposedAddress(fixture);

    private string ServerName => fixture.Eck.ServerName;

    /// <summary>Registers the alias, checks node-1 is not connected, and returns the failing search's error body.</summary>
    private async Task<string> FailingSearchAsync(string alias, string address, string? serverName, string mode = "proxy")
    {
        using var local = fixture.LocalClient();
        if (mode == "proxy")
        {
            var (status, body) = await RemoteClusterProcedure.RegisterProxyAsync(fixture, local, alias, address, serverName);
            Assert.Equal(200, status);
        }
        else
        {
            var settings = new JsonObject
            {
                [$"cluster.remote.{alias}.seeds"] = new JsonArray(address),
                [$"cluster.remote.{alias}.skip_unavailable"] = false,
            };
            await local.SendAsync(HttpMethod.Put, "/_cluster/settings", new JsonObject { ["persistent"] = settings });
            await RemoteClusterProcedure.WaitForConnectionsAsync(fixture);
        }

        var (_, info, _) = await local.GetAsync("/_remote/info");
        Assert.False((bool)info![alias]!["connected"]!, info.ToJsonString());
        var (searchStatus, error, _) = await local.GetAsync($"/{alias}:logs-*/_search");
        Assert.NotEqual(200, searchStatus);
        return error!.ToJsonString();
    }

    private string? Diagnostic(string alias, int node = 0) => fixture.Local.Cluster.Nodes[node].Connections.Current[alias].Diagnostic;

    /// <summary>Everything a local node wrote to path.logs/&lt;cluster.name&gt;.log and _server.json.</summary>
    private string NodeLog(int node = 0, string suffix = ".log")
    {
        var installed = fixture.Local.InstalledNodes[node];
        var file = Path.Combine(installed.HomeDir, "logs", fixture.Local.Cluster.State.ClusterName + suffix);
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>The ECK pods' console (what kubectl logs shows).</summary>
    private string EckLog() => string.Join("\n", fixture.Fleet.Clusters.SelectMany(c => c.Nodes).SelectMany(n => n.Logs.ConsoleLines));

    /// <summary>The remote writes its side of a failed handshake when it notices it: a moment after the client.</summary>
    private static async Task EventuallyContainsAsync(Func<string> read, string expected)
    {
        // A bound for a remote that never writes it, not a wait: the loop ends as soon as the line is there.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!read().Contains(expected, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(read().Contains(expected, StringComparison.Ordinal), $"not found: {expected}\n{read()}");
    }

    /// <summary>TLS detail never reaches a REST body: SecurityTransportExceptionHandler keeps it in the node log.</summary>
    private static void AssertNoTlsDetail(string body)
    {
        foreach (var detail in new[] { "PKIX", "subject alternative", "bad_certificate", "certificate_unknown", "Empty client certificate", "plaintext", "SSL", "ssl context" })
        {
            Assert.DoesNotContain(detail, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task CorrectSetupConnects()
    {
        using var local = fixture.LocalClient(2);
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, local, "eck1", Rcs, ServerName);
        var (_, info, _) = await local.GetAsync("/_remote/info");
        Assert.True((bool)info!["eck1"]!["connected"]!);
        var (status, result, _) = await local.GetAsync("/eck1:logs-*/_search");
        Assert.Equal(200, status);
        Assert.Equal("eck1:logs-app", (string?)result!["hits"]!["hits"]![0]!["_index"]);
    }

    [Fact]
    public async Task WrongServerName()
    {
        var error = await FailingSearchAsync("wrongname", Rcs, "wrong.example.com");
        AssertNoTlsDetail(error);
        Assert.Contains("no_seed_node_left_exception", error);
        Assert.Contains("Unable to open any proxy connections to cluster [wrongname]", error);
        Assert.Contains("\"suppressed\":[{\"type\":\"connect_transport_exception\"", error);
        Assert.Contains("java.security.cert.CertificateException: No subject alternative DNS name matching wrong.example.com found.", NodeLog());
        Assert.Contains("[WARN ][o.e.t.ProxyConnectionStrategy] [node-1] failed to open any proxy connections to cluster [wrongname]", NodeLog());
        Assert.Contains("\"log.logger\":\"org.elasticsearch.xpack.core.ssl.SSLService\"", NodeLog(suffix: "_server.json"));
        await EventuallyContainsAsync(EckLog, "client did not trust this server's certificate, closing connection");
    }

    [Fact]
    public async Task NoServerNameWithAnIpAddress()
    {
        var error = await FailingSearchAsync("noname", Rcs, null);
        AssertNoTlsDetail(error);
        Assert.Contains("No subject alternative names matching IP address 127.0.0.1 found", NodeLog());
    }

    [Fact]
    public async Task WrongCaIsReReadFromTheReferencedFileWithoutRestart()
    {
        using var other = CertificateAuthority.Create("some-other-ca", "other");
        try
        {
            foreach (var node in fixture.Local.InstalledNodes)
            {
                RemoteClusterProcedure.WriteCaFile(node.ConfigDir, CertificatePem.Certificate(other.Certificate));
            }

            var error = await FailingSearchAsync("wrongca", Rcs, ServerName);
            AssertNoTlsDetail(error);
            Assert.Contains(Sandbox.Elasticsearch.Remote.PeerCertificateVerifier.PkixFailure, NodeLog());
            Assert.Contains("failed to establish trust with server at [", Diagnostic("wrongca"));
            Assert.Contains("[xpack.security.remote_cluster_client.ssl]", Diagnostic("wrongca"));
        }
        finally
        {
            foreach (var node in fixture.Local.InstalledNodes)
            {
                RemoteClusterProcedure.WriteCaFile(node.ConfigDir, fixture.Eck.TransportCaPem);
            }
        }

        using var local = fixture.LocalClient();
        var (status, _, _) = await local.GetAsync("/wrongca:logs-*/_search");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task MissingCredentialsUseTheTransportProfile()
    {
        var error = await FailingSearchAsync("nokey", Rcs, ServerName);
        AssertNoTlsDetail(error);
        Assert.Contains("this ssl context ([xpack.security.transport.ssl])", NodeLog());
        Assert.Contains("[xpack.security.transport.ssl]", Diagnostic("nokey"));
    }

    [Fact]
    public async Task CredentialsOnOneNodeOnly()
    {
        using var node2 = fixture.LocalClient(2);
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, node2, "onenode", Rcs, ServerName);
        using var node1 = fixture.LocalClient(1);
        var (_, info1, _) = await node1.GetAsync("/_remote/info");
        var (_, info2, _) = await node2.GetAsync("/_remote/info");
        Assert.True((bool)info1!["onenode"]!["connected"]!);
        Assert.False((bool)info2!["onenode"]!["connected"]!);
        Assert.Null(info2["onenode"]!["cluster_credentials"]);
        var (status, error, _) = await node2.GetAsync("/onenode:logs-*/_search");
        Assert.Equal(500, status);
        AssertNoTlsDetail(error!.ToJsonString());
        Assert.Contains("PKIX path building failed", NodeLog(node: 1));
        Assert.Contains("[xpack.security.transport.ssl]", Diagnostic("onenode", node: 1));
    }

    [Theory]
    [InlineData("wrongkey", "unable to find apikey with id abcdefghijklmnopqrst", "security_exception")]
    [InlineData("invalidated", "has been invalidated", "security_exception")]
    [InlineData("expired", "api key is expired", "security_exception")]
    public async Task UnusableKeys(string alias, string message, string cause)
    {
        if (alias == "expired")
        {
            // The key expires at the time Elasticsearch gave it when it was made (in the fixture): wait for that time,
            // read from the key, not for a span guessed from now.
            using var eck = fixture.EckClient();
            var (_, keys, _) = await eck.GetAsync($"/_security/api_key?id={fixture.ExpiringKeyId}");
            var expiration = DateTimeOffset.FromUnixTimeMilliseconds((long)keys!["api_keys"]![0]!["expiration"]!);
            while (DateTimeOffset.UtcNow <= expiration)
            {
                await Task.Delay(50);
            }
        }

        var error = await FailingSearchAsync(alias, Rcs, ServerName);
        Assert.Contains(message, error);
        Assert.Contains(cause, error);
        using var local = fixture.LocalClient();
        var (_, resolved, _) = await local.GetAsync($"/_resolve/cluster/{alias}:*");
        Assert.False((bool)resolved![alias]!["connected"]!);
        Assert.Contains(message, (string?)resolved[alias]!["error"]);
    }

    [Fact]
    public async Task RestKeyInsteadOfCrossClusterKey()
    {
        var error = await FailingSearchAsync("restkey", Rcs, ServerName);
        Assert.Contains($"authentication expected API key type of [cross_cluster], but API key [{fixture.RestKeyId}] has type [rest]", error);
    }

    [Fact]
    public async Task KeyInvalidatedWhileConnected()
    {
        using var local = fixture.LocalClient();
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, local, "revoked", Rcs, ServerName);
        var (status, _, _) = await local.GetAsync("/revoked:logs-*/_search");
        Assert.Equal(200, status);
        using var eck = fixture.EckClient();
        await eck.DeleteAsync("/_security/api_key", $$"""{"ids":["{{fixture.RevokedKeyId}}"]}""");
        (status, var error, _) = await local.GetAsync("/revoked:logs-*/_search");
        Assert.Equal(401, status);
        Assert.Contains($"api key [{fixture.RevokedKeyId}] has been invalidated", error!.ToJsonString());
    }

    [Fact]
    public async Task ApiKeyModelPointedAtTheTransportPort()
    {
        var error = await FailingSearchAsync("port9300", RemoteClusterProcedure.ExposedAddress(fixture, 9300), ServerName);
        AssertNoTlsDetail(error);
        Assert.Contains("handshake failed because connection reset", error);
        Assert.Contains("javax.net.ssl.SSLHandshakeException: Received fatal alert: bad_certificate", NodeLog());
        await EventuallyContainsAsync(EckLog, "Empty client certificate chain");
    }

    [Fact]
    public async Task PointedAtTheHttpPort()
    {
        var error = await FailingSearchAsync("http9200", RemoteClusterProcedure.ExposedAddress(fixture, 9200), ServerName);
        AssertNoTlsDetail(error);
        Assert.Contains("PKIX path building failed", NodeLog());
        Assert.Contains("DNS:quickstart-es-http", Diagnostic("http9200"));
    }

    [Fact]
    public async Task HeadlessServiceAddressDoesNotResolveOutsideKubernetes()
    {
        var error = await FailingSearchAsync("headless", $"{ServerName}:9443", ServerName);
        Assert.Contains("unknown_host_exception", error);
        Assert.Contains($"{ServerName}: Name or service not known", error);
    }

    [Fact]
    public async Task NonLoopbackAddressTimesOutWithoutSendingAPacket()
    {
        var error = await FailingSearchAsync("offbox", "10.244.0.10:9443", ServerName);
        Assert.Contains("connect_timeout[30s]", error);
    }

    [Fact]
    public async Task SniffModeAgainstPodAddresses()
    {
        var error = await FailingSearchAsync("sniff", Rcs, null, mode: "sniff");
        Assert.Contains("Unable to open any connections to remote cluster [sniff]", error);
    }

    [Fact]
    public async Task IndicesOutsideTheKeyAccessAreUnauthorized()
    {
        using var local = fixture.LocalClient();
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, local, "eck1", Rcs, ServerName);
        var (status, error, _) = await local.GetAsync("/eck1:secret/_search");
        Assert.Equal(403, status);
        Assert.Contains("action [indices:data/read/search] towards remote cluster is unauthorized", error!.ToJsonString());
    }

    [Fact]
    public async Task UnknownAlias()
    {
        using var local = fixture.LocalClient();
        var (status, error, _) = await local.GetAsync("/nope:logs-*/_search");
        Assert.Equal(404, status);
        Assert.Equal("no such remote cluster: [nope]", (string?)error!["error"]!["reason"]);
    }

    [Fact]
    public async Task SkipUnavailableTurnsAFailureIntoASkippedCluster()
    {
        using var local = fixture.LocalClient();
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, local, "headless", $"{ServerName}:9443", ServerName, skipUnavailable: true);
        var (status, result, _) = await local.GetAsync("/headless:logs-*/_search");
        Assert.Equal(200, status);
        Assert.Equal(1, (int)result!["_clusters"]!["skipped"]!);
        Assert.Equal("skipped", (string?)result["_clusters"]!["details"]!["headless"]!["status"]);
        var reason = result["_clusters"]!["details"]!["headless"]!["failures"]![0]!["reason"]!;
        Assert.Equal("connect_transport_exception", (string?)reason["type"]);
        Assert.Equal("Unable to connect to [headless]", (string?)reason["reason"]);
    }
}
