using System.Security.Cryptography.X509Certificates;
using Sandbox.Elasticsearch;
using Sandbox.Elasticsearch.Local;
using Sandbox.Pki;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>The deprecated TLS-certificate model: mutual TLS on the transport port, each side trusting the other's CA.</summary>
public class CertificateModelTests(EsFixture fixture) : IClassFixture<EsFixture>
{
    [Fact]
    public async Task MutualTlsNeedsTrustOnBothSides()
    {
        var node1 = fixture.Local.InstalledNodes[0];
        var secrets = ElasticsearchKeystore.Read(File.ReadAllBytes(Path.Combine(node1.ConfigDir, "elasticsearch.keystore")), string.Empty).Strings();
        var localCa = X509CertificateLoader.LoadPkcs12CollectionFromFile(Path.Combine(node1.ConfigDir, "certs", "transport.p12"),
                secrets["xpack.security.transport.ssl.truststore.secure_password"])
            .Single(c => !c.HasPrivateKey);

        // Adding certificate_authorities next to the auto-configured truststore stops the node, as in Elasticsearch.
        var yml = Path.Combine(node1.ConfigDir, "elasticsearch.yml");
        var original = File.ReadAllText(yml);
        File.AppendAllText(yml, "\nxpack.security.transport.ssl.certificate_authorities: [ \"eck-transport-ca.crt\" ]\n");
        File.WriteAllText(Path.Combine(node1.ConfigDir, "eck-transport-ca.crt"), fixture.Eck.TransportCaPem);
        var conflict = await Assert.ThrowsAsync<EsException>(() => fixture.Local.RestartNodeAsync("node-1", CancellationToken.None));
        Assert.Equal("cannot specify both [xpack.security.transport.ssl.certificate_authorities] and [xpack.security.transport.ssl.truststore.path]", conflict.Reason);

        // Trust both CAs through PEM files instead of the truststore, on every node, and restart.
        foreach (var node in fixture.Local.InstalledNodes)
        {
            File.WriteAllText(Path.Combine(node.ConfigDir, "certs", "transport-ca.crt"), CertificatePem.Certificate(localCa));
            File.WriteAllText(Path.Combine(node.ConfigDir, "eck-transport-ca.crt"), fixture.Eck.TransportCaPem);
            File.WriteAllText(Path.Combine(node.ConfigDir, "elasticsearch.yml"), (node == node1 ? original : File.ReadAllText(Path.Combine(node.ConfigDir, "elasticsearch.yml")))
                .Replace("  truststore.path: certs/transport.p12", "  certificate_authorities: [ \"certs/transport-ca.crt\", \"eck-transport-ca.crt\" ]", StringComparison.Ordinal));
            await fixture.Local.RestartNodeAsync(node.Name, CancellationToken.None);
        }

        // The ECK side does not trust the local CA yet: it rejects the client certificate.
        using var local = fixture.LocalClient();
        var transport = RemoteClusterProcedure.ExposedAddress(fixture, 9300);
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, local, "certmodel", transport, null);
        var (status, error, _) = await local.GetAsync("/certmodel:*/_search");
        Assert.Equal(500, status);
        Assert.DoesNotContain("certificate_unknown", error!.ToJsonString());
        var log = File.ReadAllText(Path.Combine(fixture.Local.InstalledNodes[0].HomeDir, "logs", fixture.Local.Cluster.State.ClusterName + ".log"));
        Assert.Contains("client did not trust this server's certificate, closing connection Netty4TcpChannel{", log);

        // spec.transport.tls.certificateAuthorities: ECK adds the local CA to the trusted transport CAs (no restart).
        await fixture.Fleet.ApplyEckClusterAsync(fixture.Eck.Spec(true, localCa), CancellationToken.None);
        using var eck = fixture.EckClient();
        await eck.PutAsync("/shared/_doc/1?refresh=true", """{"message":"over transport"}""");
        (status, var result, _) = await local.GetAsync("/certmodel:shared/_search");
        Assert.Equal(200, status);
        Assert.Equal("certmodel:shared", (string?)result!["hits"]!["hits"]![0]!["_index"]);
        var (_, info, _) = await local.GetAsync("/_remote/info");
        Assert.True((bool)info!["certmodel"]!["connected"]!);
        Assert.Null(info["certmodel"]!["cluster_credentials"]);

        // With the transport trust in place, pointing at 9443 without a credential reaches the server, which refuses it.
        await RemoteClusterProcedure.RegisterProxyAsync(fixture, local, "nocreds", RemoteClusterProcedure.ExposedAddress(fixture), fixture.Eck.ServerName);
        (status, error, _) = await local.GetAsync("/nocreds:*/_search");
        Assert.Contains("require transport header [_cross_cluster_access_credentials] but none found", error!.ToJsonString());
        var (_, resolved, _) = await local.GetAsync("/_resolve/cluster/nocreds:*");
        Assert.False((bool)resolved!["nocreds"]!["connected"]!);
        Assert.Equal("failed to extract credentials from headers", (string?)resolved["nocreds"]!["error"]);
        Assert.Contains(Sandbox.Elasticsearch.Remote.RemoteServerSession.MissingCredentials, error.ToJsonString());
    }
}
