using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Sandbox.Tests.Operator;

public sealed class OperatorReconciliationTests(OperatorFixture fixture) : IClassFixture<OperatorFixture>
{
    private const string Ns = "elastic";

    [Fact]
    public void SeededQuickstartIsReadyWithEckStatus()
    {
        var es = fixture.Store.Get("Elasticsearch", Ns, "quickstart")!;
        var status = es["status"]!;
        Assert.Equal("Ready", (string?)status["phase"]);
        Assert.Equal("green", (string?)status["health"]);
        Assert.Equal(3, (int?)status["availableNodes"]);
        Assert.Equal("9.1.0", (string?)status["version"]);
        Assert.Equal((long?)es["metadata"]!["generation"], (long?)status["observedGeneration"]);
        // ECK writes its version on no resource: the controller-version annotation went away in 2.0.0 (cloud-on-k8s #4928).
        Assert.Null(es["metadata"]!["annotations"]?["common.k8s.elastic.co/controller-version"]);
        var conditions = status["conditions"]!.AsArray().ToDictionary(c => (string)c!["type"]!, c => c!);
        Assert.Equal("True", (string?)conditions["ReconciliationComplete"]["status"]);
        Assert.Equal("All nodes are running version 9.1.0", (string?)conditions["RunningDesiredVersion"]["message"]);
        Assert.Equal("Service elastic/quickstart-es-internal-http has endpoints", (string?)conditions["ElasticsearchIsReachable"]["message"]);
        Assert.NotNull(status["inProgressOperations"]?["upgrade"]?["lastUpdatedTime"]);
        Assert.Null(fixture.Store.Get("Service", Ns, "quickstart-es-remote-cluster"));
    }

    [Fact]
    public void SecretsHaveEckNamesKeysLabelsAndOwners()
    {
        var password = Data("quickstart-es-elastic-user", "elastic");
        Assert.Matches("^[a-zA-Z0-9]{24}$", password);
        var elasticUser = fixture.Store.Get("Secret", Ns, "quickstart-es-elastic-user")!;
        Assert.Equal("quickstart", (string?)elasticUser["metadata"]!["labels"]!["elasticsearch.k8s.elastic.co/cluster-name"]);
        Assert.Equal("elasticsearch", (string?)elasticUser["metadata"]!["labels"]!["common.k8s.elastic.co/type"]);
        Assert.Equal("Elasticsearch", (string?)elasticUser["metadata"]!["ownerReferences"]![0]!["kind"]);

        var transportPublic = fixture.Store.Get("Secret", Ns, "quickstart-es-transport-certs-public")!;
        Assert.Null(transportPublic["metadata"]!["ownerReferences"]);
        var transportCa = Certificates(Data("quickstart-es-transport-certs-public", "ca.crt")).Single();
        Assert.Equal("CN=quickstart-transport, OU=quickstart", transportCa.Subject);
        Assert.Equal(Data("quickstart-es-transport-ca-internal", "tls.crt").Trim(), transportCa.ExportCertificatePem().Trim());

        var httpCa = Certificates(Data("quickstart-es-http-certs-public", "ca.crt")).Single();
        Assert.Equal("CN=quickstart-http, OU=quickstart", httpCa.Subject);
        var httpChain = Certificates(Data("quickstart-es-http-certs-public", "tls.crt"));
        Assert.Equal("CN=quickstart-es-http.elastic.es.local, OU=quickstart", httpChain[0].Subject);
        Assert.Contains("quickstart-es-http.elastic.svc", DnsNames(httpChain[0]));
        Assert.NotNull(fixture.Store.Get("Secret", Ns, "quickstart-es-http-certs-internal"));
        Assert.NotNull(fixture.Store.Get("Secret", Ns, "quickstart-es-http-ca-internal"));
    }

    [Fact]
    public void TransportCertificatesCarryEckSans()
    {
        var pod = fixture.Store.Get("Pod", Ns, "quickstart-es-default-0")!;
        var podIp = (string)pod["status"]!["podIP"]!;
        Assert.StartsWith("10.244.", podIp);
        var chain = Certificates(Data("quickstart-es-default-es-transport-certs", "quickstart-es-default-0.tls.crt"));
        var leaf = chain[0];
        Assert.Equal("CN=quickstart-es-default-0.node.quickstart.elastic.es.local, OU=quickstart", leaf.Subject);
        // csr.go buildGeneralNames with the remote cluster server off: no remote-cluster names.
        Assert.Equal(
            ["quickstart-es-default-0.node.quickstart.elastic.es.local", "quickstart-es-transport.elastic.svc", "quickstart-es-default-0.quickstart-es-default"],
            DnsNames(leaf));
        var san = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal([System.Net.IPAddress.Parse(podIp), System.Net.IPAddress.Loopback], san.EnumerateIPAddresses());
        Assert.Contains("BEGIN RSA PRIVATE KEY", Data("quickstart-es-default-es-transport-certs", "quickstart-es-default-0.tls.key"));

        var ca = Certificates(Data("quickstart-es-transport-certs-public", "ca.crt")).Single();
        using var verify = new X509Chain();
        verify.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        verify.ChainPolicy.CustomTrustStore.Add(ca);
        verify.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(verify.Build(leaf));
    }

    [Fact]
    public void ServicesMatchEck()
    {
        var http = Spec("quickstart-es-http");
        Assert.Equal("ClusterIP", (string?)http["type"]);
        Assert.Equal("https", (string?)http["ports"]![0]!["name"]);
        Assert.Equal(9200, (int?)http["ports"]![0]!["port"]);
        Assert.StartsWith("10.", (string?)http["clusterIP"]);

        var transport = Spec("quickstart-es-transport");
        Assert.Equal("None", (string?)transport["clusterIP"]);
        Assert.Equal("tls-transport", (string?)transport["ports"]![0]!["name"]);
        Assert.Equal(9300, (int?)transport["ports"]![0]!["port"]);
        Assert.True((bool?)transport["publishNotReadyAddresses"]);

        Assert.Equal("None", (string?)Spec("quickstart-es-default")["clusterIP"]);
        Assert.Equal("quickstart-es-default", (string?)Spec("quickstart-es-default")["selector"]!["elasticsearch.k8s.elastic.co/statefulset-name"]);
        Assert.NotNull(fixture.Store.Get("Service", Ns, "quickstart-es-internal-http"));
        Assert.Empty(fixture.LoadBalancers.ListenersOf(Ns, "quickstart-es-http"));
    }

    [Fact]
    public void PodsCarryEckLabels()
    {
        var pods = fixture.Store.List("Pod", Ns, new Dictionary<string, string> { ["elasticsearch.k8s.elastic.co/cluster-name"] = "quickstart" });
        Assert.Equal(["quickstart-es-default-0", "quickstart-es-default-1", "quickstart-es-default-2"],
            pods.Select(p => (string)p["metadata"]!["name"]!).Order().ToArray());
        var labels = pods[0]["metadata"]!["labels"]!;
        Assert.Equal("elasticsearch", (string?)labels["common.k8s.elastic.co/type"]);
        Assert.Equal("quickstart-es-default", (string?)labels["elasticsearch.k8s.elastic.co/statefulset-name"]);
        Assert.Equal("9.1.0", (string?)labels["elasticsearch.k8s.elastic.co/version"]);
        Assert.Equal("true", (string?)labels["elasticsearch.k8s.elastic.co/node-master"]);
        Assert.Equal("True", (string?)pods[0]["status"]!["conditions"]!.AsArray().First(c => (string?)c!["type"] == "Ready")!["status"]);
    }

    private string Data(string secret, string key)
    {
        var value = (string?)fixture.Store.Get("Secret", Ns, secret)?["data"]?[key] ?? throw new Xunit.Sdk.XunitException($"{secret} has no {key}");
        return Encoding.UTF8.GetString(Convert.FromBase64String(value));
    }

    private JsonObject Spec(string service) =>
        fixture.Store.Get("Service", Ns, service)?["spec"]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"no service {service}");

    [Fact]
    public async Task TransportSansFollowCsrGoWithTheRemoteClusterServerAndUserSans()
    {
        fixture.CreateCluster("sans", "rcs", "9.1.0", remoteClusterServer: true, new JsonObject
        {
            ["transport"] = new JsonObject
            {
                ["tls"] = new JsonObject
                {
                    ["otherNameSuffix"] = "nodes.example.com",
                    ["subjectAltNames"] = new JsonArray(new JsonObject { ["dns"] = "transport.example.com" }, new JsonObject { ["ip"] = "192.0.2.7" }),
                },
            },
        });
        await fixture.WaitReadyAsync("sans", "rcs");
        var podIp = (string)fixture.Store.Get("Pod", "sans", "rcs-es-default-1")!["status"]!["podIP"]!;
        var secret = fixture.Store.Get("Secret", "sans", "rcs-es-default-es-transport-certs")!;
        var leaf = Certificates(Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["rcs-es-default-1.tls.crt"]!)))[0];

        Assert.Equal("CN=rcs-es-default-1.nodes.example.com, OU=rcs", leaf.Subject);
        Assert.Equal(
            ["rcs-es-default-1.nodes.example.com", "rcs-es-transport.sans.svc", "rcs-es-default-1.rcs-es-default",
             "rcs-es-remote-cluster.sans.svc", "rcs-es-default-1.rcs-es-default.sans.svc", "transport.example.com"],
            DnsNames(leaf));
        Assert.Equal(
            [System.Net.IPAddress.Parse(podIp), System.Net.IPAddress.Loopback, System.Net.IPAddress.Parse("192.0.2.7")],
            leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
    }

    internal static X509Certificate2[] Certificates(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return [.. collection];
    }

    internal static List<string> DnsNames(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(s => s.EnumerateDnsNames()).ToList();
}
