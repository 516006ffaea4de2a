using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Sandbox.Control;
using Sandbox.Kubernetes;
using Sandbox.Operator;

namespace Sandbox.Tests.Kubernetes;

/// <summary>
/// The Kubernetes API server, ECK operator and load balancer controller composed in-process as Program.cs composes
/// them (no Elasticsearch nodes), once per test class; plus clients for the admin and read-only users and the control API.
/// </summary>
public class ApiServerFixture : IAsyncLifetime
{
    public ApiServerFixture()
        : this(ElasticsearchCrds.DefaultEckVersion)
    {
    }

    protected ApiServerFixture(string eckVersion) => EckVersion = eckVersion;

    /// <summary>The ECK release emulated: its CRD is installed, its operator runs.</summary>
    public string EckVersion { get; }

    private readonly ControlPlane control = new();
    private KubernetesApiServer? api;
    private EckOperator? eck;
    private LoadBalancerController? loadBalancers;
    private ControlApiServer? controlApi;

    public string StateDir { get; } = Directory.CreateTempSubdirectory("sandbox-k8s-tests").FullName;

    public string Kubeconfig => Path.Combine(StateDir, "kubeconfig");

    public KubernetesApiServer Api => api!;

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient ReadOnly { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public HttpClient Control { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        api = new KubernetesApiServer(control, (_, _, _) => null, seed: 1, bookmarkInterval: TimeSpan.FromMilliseconds(300), eckVersion: EckVersion);
        await api.StartAsync(CancellationToken.None);
        File.WriteAllText(Kubeconfig, KubeconfigWriter.Render(api.Uri!, api.Certificates.CaPem, api.Authenticator));
        var pace = new RolloutPace(RolloutSpeed.Instant);
        eck = new EckOperator(api.Store, null, new EckOperatorOptions(EckVersion, "9.1.0", 1), pace);
        loadBalancers = new LoadBalancerController(api.Store, null, pace, 1);
        control.AddRoutes(r => RolloutRoutes.Map(r, pace));
        control.AddRoutes(r => r.MapPost("/kubernetes/compact", () => api.Store.Compact()));
        controlApi = new ControlApiServer(control);
        await controlApi.StartAsync(CancellationToken.None);
        await loadBalancers.StartAsync(CancellationToken.None);
        await eck.StartAsync(CancellationToken.None);
        await eck.WaitIdleAsync(CancellationToken.None);
        Admin = Client(api.Authenticator.AdminToken);
        ReadOnly = Client(api.Authenticator.ReadOnlyToken);
        Anonymous = Client(null);
        Control = new HttpClient { BaseAddress = controlApi.Uri };
    }

    public async Task DisposeAsync()
    {
        if (eck is not null)
        {
            await eck.DisposeAsync();
        }

        if (loadBalancers is not null)
        {
            await loadBalancers.DisposeAsync();
        }

        if (controlApi is not null)
        {
            await controlApi.DisposeAsync();
        }

        if (api is not null)
        {
            await api.DisposeAsync();
        }

        Directory.Delete(StateDir, recursive: true);
    }

    /// <summary>Sends a request and returns the status code and the parsed JSON body.</summary>
    public static async Task<(int Status, JsonObject Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) as JsonObject ?? new JsonObject { ["array"] = JsonNode.Parse(text) });
    }

    private HttpClient Client(string? token)
    {
        var ca = api!.Certificates.CaCertificate;
        var handler = new HttpClientHandler
        {
            // Trust exactly the sandbox's CA, as kubectl does with certificate-authority-data.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = api.Uri };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}

/// <summary>The same composition emulating ECK 3.2: its CRD has no spec.remoteClusterServer.service.</summary>
public sealed class Eck32ApiServerFixture : ApiServerFixture
{
    public Eck32ApiServerFixture()
        : base("3.2.0")
    {
    }
}
