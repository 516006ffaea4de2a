using System.Security.Cryptography.X509Certificates;
using Sandbox.Elasticsearch.Local;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>The self-managed nodes' directories look like a package install with security auto-configured.</summary>
[Collection(SharedEsCollection.Name)]
public class LocalClusterLayoutTests(EsFixture fixture)
{
    [Fact]
    public void EachNodeHasTheAutoConfiguredFiles()
    {
        foreach (var node in fixture.Local.InstalledNodes)
        {
            foreach (var file in new[] { "elasticsearch.yml", "elasticsearch.keystore", "certs/http_ca.crt", "certs/http.p12", "certs/transport.p12" })
            {
                Assert.True(File.Exists(Path.Combine(node.ConfigDir, file)), $"{node.Name}: {file}");
            }
        }
    }

    [Fact]
    public void ElasticsearchYmlCarriesTheSecurityAutoConfigurationBlock()
    {
        var yml = File.ReadAllText(Path.Combine(fixture.Local.InstalledNodes[0].ConfigDir, "elasticsearch.yml"));
        Assert.Contains("# ---------------------------------- Cluster -----------------------------------", yml);
        Assert.Contains("#----------------------- BEGIN SECURITY AUTO CONFIGURATION -----------------------", yml);
        Assert.Contains("#----------------------- END SECURITY AUTO CONFIGURATION -------------------------", yml);
        Assert.Contains("  verification_mode: certificate\n  keystore.path: certs/transport.p12\n  truststore.path: certs/transport.p12", yml);
        Assert.Contains("cluster.initial_master_nodes: [\"node-1\"]", yml);
        var settings = ElasticsearchYml.Read(yml, "elasticsearch.yml");
        Assert.Equal("certs/http.p12", settings["xpack.security.http.ssl.keystore.path"].ToString());
        Assert.Equal("true", settings["xpack.security.enabled"].ToString());
    }

    [Fact]
    public void KeystoreHoldsTheAutoConfiguredSecretsAndNode2NeedsItsPassword()
    {
        var node1 = fixture.Local.InstalledNodes[0];
        var node2 = fixture.Local.InstalledNodes[1];
        var entries = ElasticsearchKeystore.Read(File.ReadAllBytes(Path.Combine(node1.ConfigDir, "elasticsearch.keystore")), string.Empty);
        Assert.Equal(6, entries.FormatVersion);
        Assert.False(entries.HasPassword);
        Assert.Equal(
            ["autoconfiguration.password_hash", "keystore.seed", "xpack.security.http.ssl.keystore.secure_password",
             "xpack.security.transport.ssl.keystore.secure_password", "xpack.security.transport.ssl.truststore.secure_password"],
            entries.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.NotEmpty(node2.KeystorePassword);
        var protectedBytes = File.ReadAllBytes(Path.Combine(node2.ConfigDir, "elasticsearch.keystore"));
        Assert.Throws<Sandbox.Elasticsearch.EsException>(() => ElasticsearchKeystore.Read(protectedBytes, string.Empty));
        Assert.True(ElasticsearchKeystore.Read(protectedBytes, node2.KeystorePassword).HasPassword);
        var p12Password = entries.Strings()["xpack.security.http.ssl.keystore.secure_password"];
        var http = X509CertificateLoader.LoadPkcs12CollectionFromFile(Path.Combine(node1.ConfigDir, "certs", "http.p12"), p12Password);
        Assert.Contains(http, c => c.HasPrivateKey);
    }

    [Fact]
    public void YmlReaderFlattensNestedKeysAndRefusesDuplicates()
    {
        var settings = ElasticsearchYml.Read("a.b:\n  c: 1\n  d: [ \"x\", \"y\" ]\na.b.e: true\n", "test.yml");
        Assert.Equal("1", settings["a.b.c"].ToString());
        Assert.Equal(["x", "y"], settings["a.b.d"].AsList());
        Assert.Equal("true", settings["a.b.e"].ToString());
        var e = Assert.Throws<Sandbox.Elasticsearch.EsException>(() => ElasticsearchYml.Read("a: 1\na: 2\n", "test.yml"));
        Assert.Equal("Failed to load settings from [test.yml]", e.Reason);
    }
}
