using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Sandbox.Tests.Operator;

public sealed class ServiceExposureTests(OperatorFixture fixture) : IClassFixture<OperatorFixture>
{
    private static JsonObject LoadBalancerTemplate() => new() { ["spec"] = new JsonObject { ["type"] = "LoadBalancer" } };

    [Fact]
    public async Task RemoteClusterServiceTemplateOn33GivesLoadBalancerReachableOverTls()
    {
        fixture.CreateCluster("lb", "pub", "9.1.0", remoteClusterServer: true, new JsonObject
        {
            ["remoteClusterServer"] = new JsonObject { ["enabled"] = true, ["service"] = LoadBalancerTemplate() },
        });
        await fixture.WaitReadyAsync("lb", "pub");
        string? ip = null;
        await OperatorFixture.WaitForAsync(() =>
            (ip = (string?)fixture.Store.Get("Service", "lb", "pub-es-remote-cluster")?["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]) is not null);
        // Every pod has its final certificate once the operator has acted on everything, the load balancer included.
        await fixture.SettleAsync();
        var service = fixture.Store.Get("Service", "lb", "pub-es-remote-cluster")!;
        Assert.Equal("LoadBalancer", (string?)service["spec"]!["type"]);
        Assert.Equal("rcs", (string?)service["spec"]!["ports"]![0]!["name"]);
        Assert.NotEqual("None", (string?)service["spec"]!["clusterIP"]);
        Assert.StartsWith("127.0.", ip);

        var caPem = Encoding.UTF8.GetString(Convert.FromBase64String((string)fixture.Store.Get("Secret", "lb", "pub-es-transport-certs-public")!["data"]!["ca.crt"]!));

        var answer = await TlsReadLineAsync(new IPEndPoint(IPAddress.Parse(ip!), 9443), "pub-es-remote-cluster.lb.svc", caPem);
        Assert.Matches("^pub-es-default-[0-2]:9443$", answer);
    }

    [Fact]
    public async Task HttpLoadBalancerAddressLandsInTheHttpCertificate()
    {
        fixture.CreateCluster("lbh", "web", "9.1.0", remoteClusterServer: false, new JsonObject
        {
            ["http"] = new JsonObject { ["service"] = LoadBalancerTemplate() },
        });
        await fixture.WaitReadyAsync("lbh", "web");
        string? ip = null;
        await OperatorFixture.WaitForAsync(() =>
            (ip = (string?)fixture.Store.Get("Service", "lbh", "web-es-http")?["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]) is not null);
        await OperatorFixture.WaitForAsync(() => fixture.Fleet.SpecOf("lbh", "web")?.HttpCertificate.Extensions
            .OfType<X509SubjectAlternativeNameExtension>().Any(s => s.EnumerateIPAddresses().Contains(IPAddress.Parse(ip!))) == true);
        var caPem = Encoding.UTF8.GetString(Convert.FromBase64String((string)fixture.Store.Get("Secret", "lbh", "web-es-http-certs-public")!["data"]!["ca.crt"]!));
        var answer = await TlsReadLineAsync(new IPEndPoint(IPAddress.Parse(ip!), 9200), ip!, caPem);
        Assert.Matches("^web-es-default-[0-2]:9200$", answer);
    }

    [Fact]
    public async Task UserNodePortServiceListensOnLoopbackAndResolvesNamedTargetPort()
    {
        fixture.CreateCluster("np", "node", "9.1.0", remoteClusterServer: false);
        await fixture.WaitReadyAsync("np", "node");
        fixture.Store.Create(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = "node-np", ["namespace"] = "np" },
            ["spec"] = new JsonObject
            {
                ["type"] = "NodePort",
                ["selector"] = new JsonObject { ["elasticsearch.k8s.elastic.co/cluster-name"] = "node" },
                ["ports"] = new JsonArray(new JsonObject { ["port"] = 443, ["targetPort"] = "https", ["protocol"] = "TCP" }),
            },
        });
        int? nodePort = null;
        await OperatorFixture.WaitForAsync(() => (nodePort = (int?)fixture.Store.Get("Service", "np", "node-np")?["spec"]?["ports"]?[0]?["nodePort"]) is not null
            && fixture.LoadBalancers.ListenersOf("np", "node-np").Count == 1);
        Assert.InRange(nodePort!.Value, 30000, 32767);
        var caPem = Encoding.UTF8.GetString(Convert.FromBase64String((string)fixture.Store.Get("Secret", "np", "node-es-http-certs-public")!["data"]!["ca.crt"]!));
        var answer = await TlsReadLineAsync(new IPEndPoint(IPAddress.Loopback, nodePort.Value), "node-es-http.np.svc", caPem);
        Assert.Matches("^node-es-default-[0-2]:9200$", answer);

        fixture.Store.Delete("Service", "np", "node-np");
        await OperatorFixture.WaitForAsync(() => fixture.LoadBalancers.ListenersOf("np", "node-np").Count == 0);
        using var refused = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => refused.ConnectAsync(IPAddress.Loopback, nodePort.Value));
    }

    /// <summary>TLS client that trusts only <paramref name="caPem"/> and checks <paramref name="serverName"/> like Elasticsearch would.</summary>
    internal static async Task<string> TlsReadLineAsync(IPEndPoint endpoint, string serverName, string caPem)
    {
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPem(caPem);
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint);
        await using var tls = new SslStream(client.GetStream(), false, (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var leaf = (X509Certificate2)certificate!;
            return chain.Build(leaf) && leaf.MatchesHostname(serverName, allowWildcards: false);
        });
        await tls.AuthenticateAsClientAsync(serverName);
        using var reader = new StreamReader(tls);
        return await reader.ReadLineAsync() ?? string.Empty;
    }
}

public sealed class Eck32ServiceTemplateTests(Eck32OperatorFixture fixture) : IClassFixture<Eck32OperatorFixture>
{
    [Fact]
    public async Task Eck32IgnoresRemoteClusterServiceTemplateButHonoursTransportTemplate()
    {
        var f = fixture.Inner;
        f.CreateCluster("old", "v32", "9.1.0", remoteClusterServer: true, new JsonObject
        {
            ["remoteClusterServer"] = new JsonObject { ["enabled"] = true, ["service"] = new JsonObject { ["spec"] = new JsonObject { ["type"] = "LoadBalancer" } } },
            ["transport"] = new JsonObject
            {
                ["service"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["team"] = "search" } },
                    ["spec"] = new JsonObject { ["type"] = "NodePort" },
                },
            },
        });
        await f.WaitReadyAsync("old", "v32");
        // The 3.2 CRD has no spec.remoteClusterServer.service: the API server pruned it before it was stored.
        Assert.Equal("""{"enabled":true}""", f.Store.Get("Elasticsearch", "old", "v32")!["spec"]!["remoteClusterServer"]!.ToJsonString());
        var remote = f.Store.Get("Service", "old", "v32-es-remote-cluster")!;
        Assert.Equal("ClusterIP", (string?)remote["spec"]!["type"]);
        Assert.Equal("None", (string?)remote["spec"]!["clusterIP"]);
        var transport = f.Store.Get("Service", "old", "v32-es-transport")!;
        Assert.Equal("NodePort", (string?)transport["spec"]!["type"]);
        Assert.Equal("search", (string?)transport["metadata"]!["annotations"]!["team"]);
        Assert.Equal("tls-transport", (string?)transport["spec"]!["ports"]![0]!["name"]);
        Assert.Equal("v32", (string?)transport["metadata"]!["labels"]!["elasticsearch.k8s.elastic.co/cluster-name"]);
        Assert.Null(f.Store.Get("Elasticsearch", "old", "v32")!["metadata"]!["annotations"]?["common.k8s.elastic.co/controller-version"]);
    }
}
