using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Sandbox.Elasticsearch;

namespace Sandbox.Tests.Operator;

/// <summary>
/// Stands in for the Elasticsearch nodes: records what the operator asks, and for each pod port runs a TLS listener
/// (HTTP certificate on 9200, the pod's transport certificate otherwise) that answers "&lt;pod&gt;:&lt;port&gt;\n".
/// Each connection is served with the certificate of the latest applied spec, as Elasticsearch reloads its certificate
/// files when ECK rewrites them (a load balancer address added to the HTTP certificate takes effect without a restart).
/// </summary>
internal sealed class FakeFleet : IElasticsearchFleet, IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Ns, string Pod, int Port), TcpListener> listeners = new();
    private readonly ConcurrentDictionary<string, EckClusterSpec> specs = new();

    public ConcurrentQueue<string> Restarts { get; } = new();

    public ConcurrentQueue<string> Applies { get; } = new();

    public EckClusterSpec? SpecOf(string ns, string name) => specs.TryGetValue($"{ns}/{name}", out var spec) ? spec : null;

    public Task<IReadOnlyList<NodeEndpoints>> ApplyEckClusterAsync(EckClusterSpec spec, CancellationToken cancellationToken)
    {
        specs[$"{spec.Namespace}/{spec.Name}"] = spec;
        Applies.Enqueue($"{spec.Namespace}/{spec.Name}");
        IReadOnlyList<NodeEndpoints> endpoints = spec.Nodes.Select(n => Endpoints(spec, n.PodName)).ToList();
        return Task.FromResult(endpoints);
    }

    public Task<NodeEndpoints> RestartEckNodeAsync(EckClusterSpec spec, string podName, CancellationToken cancellationToken)
    {
        specs[$"{spec.Namespace}/{spec.Name}"] = spec;
        Restarts.Enqueue($"{spec.Namespace}/{podName}");
        foreach (var port in new[] { 9200, 9300, 9443 })
        {
            if (listeners.TryRemove((spec.Namespace, podName, port), out var old))
            {
                old.Stop();
            }
        }

        return Task.FromResult(Endpoints(spec, podName));
    }

    public Task RemoveEckClusterAsync(string @namespace, string name)
    {
        specs.TryRemove($"{@namespace}/{name}", out _);
        return Task.CompletedTask;
    }

    public IPEndPoint? ResolvePodPort(string @namespace, string podName, int containerPort)
    {
        var spec = specs.Values.FirstOrDefault(s => s.Namespace == @namespace && s.Nodes.Any(n => n.PodName == podName));
        if (spec is null || (containerPort == 9443 && !spec.RemoteClusterServerEnabled))
        {
            return null;
        }

        var listener = listeners.GetOrAdd((@namespace, podName, containerPort), _ => Listen($"{spec.Namespace}/{spec.Name}", podName, containerPort));
        return (IPEndPoint)listener.LocalEndpoint;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var listener in listeners.Values)
        {
            listener.Stop();
        }

        return ValueTask.CompletedTask;
    }

    private NodeEndpoints Endpoints(EckClusterSpec spec, string pod) => new(pod,
        ResolvePodPort(spec.Namespace, pod, 9200)!, ResolvePodPort(spec.Namespace, pod, 9300)!, ResolvePodPort(spec.Namespace, pod, 9443));

    private TcpListener Listen(string cluster, string pod, int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }

                if (!specs.TryGetValue(cluster, out var spec))
                {
                    socket.Dispose();
                    continue;
                }

                var certificate = port == 9200 ? spec.HttpCertificate : spec.Nodes.First(n => n.PodName == pod).TransportCertificate;
                _ = Task.Run(async () =>
                {
                    using var stream = new NetworkStream(socket, ownsSocket: true);
                    using var tls = new SslStream(stream);
                    try
                    {
                        await tls.AuthenticateAsServerAsync(certificate, clientCertificateRequired: false, checkCertificateRevocation: false);
                        await tls.WriteAsync(Encoding.UTF8.GetBytes($"{pod}:{port}\n"));
                        await tls.FlushAsync();
                        await tls.ShutdownAsync();
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                    {
                    }
                });
            }
        });
        return listener;
    }
}
