using System.Text.Json.Nodes;
using Sandbox.Control;
using Sandbox.Elasticsearch;
using Sandbox.Elasticsearch.Local;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>The control plane's faults and request log in front of the nodes' REST API, and the Elasticsearch control routes.</summary>
public class FaultInjectionTests : IAsyncLifetime
{
    private readonly ControlPlane _control = new();
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "es-faults-" + Guid.NewGuid().ToString("N")[..8]);
    private LocalCluster _local = null!;

    private ControlApiServer _controlApi = null!;

    public async Task InitializeAsync()
    {
        _local = new LocalCluster(new LocalClusterOptions(_stateDir, 1), ElasticsearchControl.Pipeline(_control));
        _control.AddRoutes(routes => ElasticsearchControl.MapRoutes(routes, null, _local));
        await _local.StartAsync(CancellationToken.None);
        _controlApi = new ControlApiServer(_control);
        await _controlApi.StartAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ControlRoutesListConnectionsAndRestartNodes()
    {
        using var http = new HttpClient { BaseAddress = _controlApi.Uri };
        var startedBefore = _local.Cluster.Nodes[0].StartedAt;
        var restart = await http.PostAsync("nodes/node-1/restart", null);
        Assert.Equal(200, (int)restart.StatusCode);
        Assert.True(_local.Cluster.Nodes[0].StartedAt > startedBefore);
        var missing = await http.PostAsync("nodes/node-9/restart", null);
        Assert.Equal(404, (int)missing.StatusCode);

        var connections = JsonNode.Parse(await http.GetStringAsync("connections"))!;
        var node = connections["nodes"]![0]!;
        Assert.Equal("node-1", (string?)node["node"]);
        Assert.True((bool)node["running"]!);
        Assert.Contains(node["log"]!.AsArray(), line => ((string)line!).Contains("started; http", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(503, "cluster_block_exception")]
    [InlineData(429, "es_rejected_execution_exception")]
    public async Task StatusFaultAnswersInElasticsearchFormat(int status, string type)
    {
        _control.Faults.Add(FaultRule.FromJson(new JsonObject { ["target"] = "node-1", ["status"] = status, ["pathPattern"] = "^/_remote/info" }));
        using var client = new EsTestClient($"https://127.0.0.1:{_local.Cluster.Nodes[0].Http.Port}", "elastic", _local.ElasticPassword,
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(_local.HttpCaPath));
        var (code, body, response) = await client.GetAsync("/_remote/info");
        Assert.Equal(status, code);
        Assert.Equal(type, (string?)body!["error"]!["type"]);
        Assert.Equal("Elasticsearch", response.Headers.GetValues("X-elastic-product").Single());
        (code, _, _) = await client.GetAsync("/_remote/info");
        Assert.Equal(200, code);
    }

    [Fact]
    public async Task ResetFaultDropsTheConnection()
    {
        _control.Faults.Add(FaultRule.FromJson(new JsonObject { ["target"] = "local", ["action"] = "reset", ["pathPattern"] = "^/$" }));
        using var client = new EsTestClient($"https://127.0.0.1:{_local.Cluster.Nodes[0].Http.Port}", "elastic", _local.ElasticPassword,
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(_local.HttpCaPath));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/"));
    }

    public async Task DisposeAsync()
    {
        await _controlApi.DisposeAsync();
        await _local.DisposeAsync();
        Directory.Delete(_stateDir, recursive: true);
    }
}
