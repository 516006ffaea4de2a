using System.Text;
using Sandbox.Control;
using Sandbox.Elasticsearch;
using Sandbox.Kubernetes;
using Sandbox.Operator;

namespace Sandbox.Tests.PortForward;

/// <summary>
/// The Kubernetes API, ECK operator, load balancers and the real Elasticsearch fleet composed in-process as Program.cs
/// composes them (seeded elastic/quickstart with running nodes), once per test class.
/// </summary>
public sealed class SandboxWithNodesFixture : IAsyncLifetime
{
    private readonly ControlPlane control = new();
    private EckElasticsearchFleet? fleet;
    private KubernetesApiServer? api;
    private EckOperator? eck;
    private LoadBalancerController? loadBalancers;
    private readonly RolloutPace pace = new(RolloutSpeed.Instant);

    public string StateDir { get; } = Directory.CreateTempSubdirectory("sandbox-portforward-tests").FullName;

    public string Kubeconfig => Path.Combine(StateDir, "kubeconfig");

    public KubernetesApiServer Api => api!;

    /// <summary>The control plane the API server and the nodes log to (GET /requests reads <see cref="ControlPlane.Requests"/>).</summary>
    public ControlPlane Control => control;

    public async Task InitializeAsync()
    {
        fleet = new EckElasticsearchFleet(ElasticsearchControl.Pipeline(control));
        api = new KubernetesApiServer(control, fleet.ResolvePodPort, seed: 5);
        await api.StartAsync(CancellationToken.None);
        File.WriteAllText(Kubeconfig, KubeconfigWriter.Render(api.Uri!, api.Certificates.CaPem, api.Authenticator));
        loadBalancers = new LoadBalancerController(api.Store, fleet, pace, 5);
        eck = new EckOperator(api.Store, fleet, new EckOperatorOptions("3.3.0", "9.1.0", 5), pace);
        await loadBalancers.StartAsync(CancellationToken.None);
        await eck.StartAsync(CancellationToken.None);
        await eck.WaitIdleAsync(CancellationToken.None);
    }

    /// <summary>The operator's rollout pace and holds (control API /rollout and /rollout/holds).</summary>
    public RolloutPace Pace => pace;

    /// <summary>Returns once the operator has no work queued or running.</summary>
    public Task WaitIdleAsync(CancellationToken cancellationToken) => eck!.WaitIdleAsync(cancellationToken);

    /// <summary>A key of a secret, decoded (the password of elastic, a CA's PEM).</summary>
    public string SecretValue(string ns, string name, string key) =>
        Encoding.UTF8.GetString(Convert.FromBase64String((string)api!.Store.Get(ResourceCatalog.Secret, ns, name)["data"]![key]!));

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

        if (api is not null)
        {
            await api.DisposeAsync();
        }

        if (fleet is not null)
        {
            await fleet.DisposeAsync();
        }

        Directory.Delete(StateDir, recursive: true);
    }
}
