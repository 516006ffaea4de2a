using System.Net;
using System.Net.Sockets;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Eck;
using EckRemoteCluster.Engine.Kubernetes;
using EckRemoteCluster.Tests.Kubernetes;

namespace EckRemoteCluster.Tests.Eck;

/// <summary>
/// Publish waits for the Service's address through one watch of the Service (resumed from the last resourceVersion
/// when the server ends it), not by reading it again and again; without the right to watch it falls back to reads.
/// </summary>
public sealed class PublishAddressWatchTests : IDisposable
{
    private const string ServicesPath = "/api/v1/namespaces/elastic/services";
    private const string ServiceName = "quickstart-es-remote-cluster";

    private readonly TcpListener _loadBalancer = new(IPAddress.Loopback, 0);

    public PublishAddressWatchTests() => _loadBalancer.Start();

    private int Port => ((IPEndPoint)_loadBalancer.LocalEndpoint).Port;

    public void Dispose() => _loadBalancer.Stop();

    [Fact]
    public async Task TheAddressWrittenAfterTheWatchBeganIsHandedOutFromThatOneWatch()
    {
        using var api = new FakeKubernetesApi(r => FakeKubernetesApi.IsWatchOf(r, ServicesPath, ServiceName)
            ? (200, FakeKubernetesApi.WatchEvents(
                ("ADDED", Service("ClusterIP", "7", address: null)),
                ("MODIFIED", Service("LoadBalancer", "8", address: null)),
                ("MODIFIED", Service("LoadBalancer", "9", address: "127.0.0.1"))))
            : (404, FakeKubernetesApi.NotFoundStatus(null)));

        var endpoint = await new EckService(new KubernetesSessions()).PublishAsync(Plan(api), TimeSpan.FromSeconds(30), new RecordingReporter(), CancellationToken.None);

        Assert.Equal($"127.0.0.1:{Port}", endpoint.ProxyAddress);
        var watch = Assert.Single(api.Requests);
        Assert.True(FakeKubernetesApi.IsWatchOf(watch, ServicesPath, ServiceName));
        Assert.Contains("allowWatchBookmarks=true", watch.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWatchTheServerEndsIsResumedFromTheLastResourceVersionSeen()
    {
        var watches = 0;
        using var api = new FakeKubernetesApi(r =>
        {
            if (!FakeKubernetesApi.IsWatchOf(r, ServicesPath, ServiceName))
            {
                return (404, FakeKubernetesApi.NotFoundStatus(null));
            }

            return Interlocked.Increment(ref watches) == 1
                ? (200, FakeKubernetesApi.WatchEvents(("ADDED", Service("LoadBalancer", "41", address: null)), ("BOOKMARK", Bookmark("42"))))
                : (200, FakeKubernetesApi.WatchEvents(("MODIFIED", Service("LoadBalancer", "43", address: "127.0.0.1"))));
        });

        var endpoint = await new EckService(new KubernetesSessions()).PublishAsync(Plan(api), TimeSpan.FromSeconds(30), new RecordingReporter(), CancellationToken.None);

        Assert.Equal($"127.0.0.1:{Port}", endpoint.ProxyAddress);
        Assert.Equal(2, api.Requests.Count);
        Assert.DoesNotContain("resourceVersion=", api.Requests[0].Path, StringComparison.Ordinal);
        Assert.Contains("resourceVersion=42", api.Requests[1].Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheRightToWatchTheServiceIsReadInstead()
    {
        const string Forbidden = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"services is forbidden: cannot watch","reason":"Forbidden","code":403}""";
        using var api = new FakeKubernetesApi(r => r switch
        {
            _ when FakeKubernetesApi.IsWatchOf(r, ServicesPath, ServiceName) => (403, Forbidden),
            { Method: "GET" } when r.Path.StartsWith($"{ServicesPath}/{ServiceName}", StringComparison.Ordinal) => (200, Service("LoadBalancer", "5", address: "127.0.0.1")),
            _ => (404, FakeKubernetesApi.NotFoundStatus(null)),
        });

        var endpoint = await new EckService(new KubernetesSessions()).PublishAsync(Plan(api), TimeSpan.FromSeconds(30), new RecordingReporter(), CancellationToken.None);

        Assert.Equal($"127.0.0.1:{Port}", endpoint.ProxyAddress);
        Assert.Single(api.Requests, r => FakeKubernetesApi.IsWatchOf(r, ServicesPath, ServiceName));
        Assert.Single(api.Requests, r => r.Path.StartsWith($"{ServicesPath}/{ServiceName}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServiceThatNeverGetsAnAddressEndsInTheTimeoutError()
    {
        using var api = new FakeKubernetesApi(r => FakeKubernetesApi.IsWatchOf(r, ServicesPath, ServiceName)
            ? (200, FakeKubernetesApi.WatchEvents(("ADDED", Service("LoadBalancer", "7", address: null))))
            : (404, FakeKubernetesApi.NotFoundStatus(null)));

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            new EckService(new KubernetesSessions()).PublishAsync(Plan(api), TimeSpan.FromSeconds(1), new RecordingReporter(), CancellationToken.None));

        Assert.Equal(ErrorIds.RemoteClusterAddressTimeout, error.ErrorId);
        // The server ended each watch at once: resumed after a pause each time, never in a tight loop.
        Assert.InRange(api.Requests.Count, 1, 6);
    }

    private PublishPlan Plan(FakeKubernetesApi api)
    {
        var cluster = new EckCluster("quickstart", "elastic", "9.1.0", "green", "Ready", 3, true, "fake", api.KubeConfigPath, 2, 2, "10");
        var request = new PublishRequest(EckInterface.RemoteClusterServer, EckServiceType.LoadBalancer, Port, new Dictionary<string, string>(), []);
        return new PublishPlan(cluster, request, PublishMechanism.ServiceTemplate, ServiceName, true, "already published");
    }

    private string Service(string type, string resourceVersion, string? address)
    {
        var loadBalancer = address is null ? "{}" : "{\"ingress\":[{\"ip\":\"" + address + "\"}]}";
        return $$"""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"{{ServiceName}}","namespace":"elastic","resourceVersion":"{{resourceVersion}}"},
             "spec":{"type":"{{type}}","ports":[{"name":"rcs","port":{{Port}},"targetPort":9443}]},
             "status":{"loadBalancer":{{loadBalancer}} } }
            """;
    }

    private static string Bookmark(string resourceVersion) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"resourceVersion\":\"" + resourceVersion + "\"}}";
}
