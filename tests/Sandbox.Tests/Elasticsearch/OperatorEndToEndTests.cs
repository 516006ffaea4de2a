using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Sandbox.Control;
using Sandbox.Elasticsearch;
using Sandbox.Elasticsearch.Local;
using Sandbox.Kubernetes;
using Sandbox.Operator;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// Everything composed as Program.cs composes it: Kubernetes API, ECK operator, load balancers, the ECK nodes, the local
/// cluster and the control API, once per test class.
/// </summary>
public sealed class FullSandboxFixture : IAsyncLifetime
{
    private readonly ControlPlane _control = new();
    private KubernetesApiServer? _api;
    private EckOperator? _operator;
    private LoadBalancerController? _loadBalancers;
    private ControlApiServer? _controlApi;

    public string StateDir { get; } = Directory.CreateTempSubdirectory("sandbox-es-e2e").FullName;

    public string Kubeconfig => Path.Combine(StateDir, "kubeconfig");

    public EckElasticsearchFleet Fleet { get; private set; } = null!;

    public LocalCluster Local { get; private set; } = null!;

    public HttpClient Control { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var pipeline = ElasticsearchControl.Pipeline(_control);
        Fleet = new EckElasticsearchFleet(pipeline);
        Local = new LocalCluster(new LocalClusterOptions(StateDir, 2), pipeline);
        _control.AddRoutes(routes => ElasticsearchControl.MapRoutes(routes, Fleet, Local));
        _api = new KubernetesApiServer(_control, Fleet.ResolvePodPort, seed: 7);
        await _api.StartAsync(CancellationToken.None);
        File.WriteAllText(Kubeconfig, KubeconfigWriter.Render(_api.Uri!, _api.Certificates.CaPem, _api.Authenticator));
        var pace = new RolloutPace(RolloutSpeed.Instant);
        _loadBalancers = new LoadBalancerController(_api.Store, Fleet, pace, 7);
        _operator = new EckOperator(_api.Store, Fleet, new EckOperatorOptions("3.3.0", "9.1.0", 7), pace);
        _control.AddRoutes(routes => SettleRoutes.Map(routes, _api.Store, _operator, _loadBalancers));
        _control.AddRoutes(routes => CaRotationRoutes.Map(routes, _operator));
        _controlApi = new ControlApiServer(_control);
        await _controlApi.StartAsync(CancellationToken.None);
        await Local.StartAsync(CancellationToken.None);
        await _loadBalancers.StartAsync(CancellationToken.None);
        await _operator.StartAsync(CancellationToken.None);
        await _operator.WaitIdleAsync(CancellationToken.None);
        Control = new HttpClient { BaseAddress = _controlApi.Uri };
    }

    /// <summary>Runs the real kubectl against the sandbox and returns its standard output.</summary>
    public async Task<string> KubectlAsync(params string[] args)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(Kubeconfig);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"kubectl {string.Join(' ', args)}: {await error}");
    }

    public async Task DisposeAsync()
    {
        Control.Dispose();
        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        if (_loadBalancers is not null)
        {
            await _loadBalancers.DisposeAsync();
        }

        if (_controlApi is not null)
        {
            await _controlApi.DisposeAsync();
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        await Fleet.DisposeAsync();
        await Local.DisposeAsync();
        Directory.Delete(StateDir, recursive: true);
    }
}

/// <summary>The documented procedure against the operator, with kubectl, plain HTTP, file edits and the control API.</summary>
public class OperatorEndToEndTests(FullSandboxFixture fixture) : IClassFixture<FullSandboxFixture>
{
    [Fact]
    public async Task EnableExposeTrustKeyConfigureRestartRegisterSearch()
    {
        // Enable the remote cluster server and expose it with ECK 3.3's service template (the operator rolls the pods).
        await fixture.KubectlAsync("patch", "elasticsearch", "quickstart", "-n", "elastic", "--type", "merge", "-p",
            """{"spec":{"remoteClusterServer":{"enabled":true,"service":{"spec":{"type":"LoadBalancer"}}}}}""");
        // Ready alone may still be the status from before the patch: ECK has applied it once it reports its generation.
        var ready = await EsTestClient.EventuallyAsync(
            () => TryKubectlAsync("get", "elasticsearch", "quickstart", "-n", "elastic", "-o",
                "jsonpath={.status.phase}/{.status.observedGeneration}/{.metadata.generation}"),
            text => text.Split('/') is ["Ready", var observed, var generation] && observed == generation && generation != "1");
        Assert.StartsWith("Ready/", ready);
        var ip = await EsTestClient.EventuallyAsync(
            () => TryKubectlAsync("get", "service", "quickstart-es-remote-cluster", "-n", "elastic", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"),
            text => text.Length > 0);
        Assert.StartsWith("127.", ip);
        // The control API's settle: the rolled pods serve their final certificates and the load balancer listens.
        Assert.Equal(200, (int)(await fixture.Control.PostAsync("settle", null)).StatusCode);

        // Extract the transport CA, the elastic password and the HTTP CA as the docs do.
        var transportCa = await fixture.KubectlAsync("get", "secret", "quickstart-es-transport-certs-public", "-n", "elastic",
            "-o", "go-template={{index .data \"ca.crt\" | base64decode}}");
        var password = await fixture.KubectlAsync("get", "secret", "quickstart-es-elastic-user", "-n", "elastic",
            "-o", "go-template={{.data.elastic | base64decode}}");
        var httpCa = await fixture.KubectlAsync("get", "secret", "quickstart-es-http-certs-public", "-n", "elastic",
            "-o", "go-template={{index .data \"ca.crt\" | base64decode}}");
        var eckHttp = fixture.Fleet.ResolvePodPort("elastic", "quickstart-es-default-0", 9200)!;
        using var eck = new EsTestClient($"https://{eckHttp}", "elastic", password, X509Certificate2.CreateFromPem(httpCa));
        await eck.PutAsync("/logs-eck/_doc/1?refresh=true", """{"message":"through the operator"}""");
        var encoded = await RemoteClusterProcedure.CreateCrossClusterKeyAsync(eck, "to-local");

        foreach (var node in fixture.Local.InstalledNodes)
        {
            RemoteClusterProcedure.WriteCaFile(node.ConfigDir, transportCa);
            RemoteClusterProcedure.AddRemoteClusterClientSettings(node.ConfigDir);
            RemoteClusterProcedure.AddKeystoreEntry(node, "cluster.remote.eck1.credentials", encoded);
            var restart = await fixture.Control.PostAsync($"nodes/{node.Name}/restart", null);
            Assert.Equal(200, (int)restart.StatusCode);
        }

        using var local = new EsTestClient($"https://127.0.0.1:{fixture.Local.Cluster.Nodes[0].Http.Port}", "elastic",
            fixture.Local.ElasticPassword, X509CertificateLoader.LoadCertificateFromFile(fixture.Local.HttpCaPath));
        var (status, _) = await RemoteClusterProcedure.RegisterProxyAsync(
            fixture.Local, local, "eck1", $"{ip}:9443", "quickstart-es-remote-cluster.elastic.svc", skipUnavailable: true);
        Assert.Equal(200, status);
        // A fresh check each time: _resolve/cluster opens the connection again if the first attempt failed.
        var resolved = await EsTestClient.EventuallyAsync(() => local.GetAsync("/_resolve/cluster/eck1:*"),
            r => r.Body?["eck1"]?["connected"]?.GetValue<bool>() == true);
        Assert.True((bool)resolved.Body!["eck1"]!["connected"]!, resolved.Body.ToJsonString());
        var (_, info, _) = await local.GetAsync("/_remote/info");
        Assert.True((bool)info!["eck1"]!["connected"]!, info.ToJsonString());
        var (searchStatus, result, _) = await local.GetAsync("/eck1:logs-*/_search");
        Assert.Equal(200, searchStatus);
        Assert.Equal("through the operator", (string?)result!["hits"]!["hits"]![0]!["_source"]!["message"]);

        var connections = JsonNode.Parse(await fixture.Control.GetStringAsync("connections"))!;
        Assert.Contains(connections["nodes"]!.AsArray(), n => (bool?)n!["remotes"]?["eck1"]?["connected"] == true);
    }

    private async Task<string> TryKubectlAsync(params string[] args)
    {
        try
        {
            return await fixture.KubectlAsync(args);
        }
        catch (InvalidOperationException)
        {
            return string.Empty;
        }
    }
}
