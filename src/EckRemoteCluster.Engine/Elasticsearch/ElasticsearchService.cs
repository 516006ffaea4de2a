using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Eck;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.Models;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>Opens connections to Elasticsearch and proves them with GET / and GET /_security/_authenticate.</summary>
internal sealed class ElasticsearchService(KubernetesSessions sessions) : IElasticsearchService
{
    public async Task<ElasticsearchConnection> ConnectAsync(DirectConnectionRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var trust = request.SkipCertificateCheck ? TlsTrust.None
            : request.CertificateFingerprint is { } fingerprint ? TlsTrust.Fingerprint(fingerprint)
            : request.CertificateAuthorities is { Count: > 0 } authorities ? TlsTrust.Authorities(authorities)
            : TlsTrust.System;
        Func<HttpMessageHandler, HttpMessageHandler> authenticate = request.ApiKey is { } apiKey
            ? inner => RequestCredentials.ApiKey(apiKey, inner)
            : inner => RequestCredentials.Basic(request.UserName ?? string.Empty, request.Password ?? new SecureString(), inner);
        var description = string.Join(", ", request.Uris.Select(u => u.GetLeftPart(UriPartial.Authority)));
        var client = new ElasticsearchRestClient(request.Uris, trust, authenticate, connect: null, description);
        return await ConnectionVerifier.VerifyAsync(client, "Direct", request.Uris.Select(u => u.ToString()).ToArray(), null, reporter, cancellationToken,
                request.ApiKey is null ? request.UserName ?? string.Empty : null)
            .ConfigureAwait(false);
    }

    public async Task<ElasticsearchConnection> ConnectToEckAsync(EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var session = sessions.Get(new KubernetesTarget(cluster.KubeConfig, cluster.Context));
        // Three independent reads, sent together rather than one after the other.
        var passwordRead = ReadElasticPasswordAsync(session, cluster, cancellationToken);
        var authoritiesRead = ReadHttpCaAsync(session, cluster, reporter, cancellationToken);
        var serviceRead = KubernetesErrors.Run(
            new KubernetesErrors.Operation("get", "services", cluster.Namespace, EckNames.HttpService(cluster.Name), session),
            () => session.Client.CoreV1.ReadNamespacedServiceAsync(EckNames.HttpService(cluster.Name), cluster.Namespace, cancellationToken: cancellationToken), cancellationToken);
        try
        {
            await Task.WhenAll(passwordRead, authoritiesRead, serviceRead).ConfigureAwait(false);
        }
        catch
        {
            // The first failure in the order the reads were written, as when they ran one after another; a password
            // read meanwhile is disposed.
            if (passwordRead.IsCompletedSuccessfully)
            {
                passwordRead.Result.Dispose();
            }

            foreach (var read in new Task[] { passwordRead, authoritiesRead, serviceRead })
            {
                if (read.IsFaulted)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(read.Exception!.InnerException!).Throw();
                }
            }

            throw;
        }

        var password = passwordRead.Result;
        var authorities = authoritiesRead.Result;
        var service = serviceRead.Result;

        var port = service.Spec?.Ports?.FirstOrDefault()?.Port ?? EckNames.HttpPort;
        var scheme = service.Spec?.Ports?.FirstOrDefault()?.Name == "http" ? "http" : "https";

        // The URI names the service as ECK's HTTP certificate does, so TLS checks the name; the connection itself goes
        // wherever ConnectCallback takes it.
        var serviceHost = EckNames.ServiceDns(EckNames.HttpService(cluster.Name), cluster.Namespace);
        var uri = new Uri($"{scheme}://{serviceHost}:{port}");
        var trust = authorities is null ? TlsTrust.System : TlsTrust.Authorities(authorities);
        var ingress = service.Spec?.Type == "LoadBalancer" ? service.Status?.LoadBalancer?.Ingress?.FirstOrDefault() : null;
        var loadBalancer = ingress?.Ip ?? ingress?.Hostname;

        ElasticsearchRestClient client;
        string route;
        if (loadBalancer is not null)
        {
            route = "LoadBalancer";
            reporter.Verbose($"Connecting to {cluster} through its load balancer {loadBalancer}:{port}.");
            client = new ElasticsearchRestClient([uri], trust, inner => RequestCredentials.Basic(EckNames.ElasticUser, password, inner),
                async (_, token) =>
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(loadBalancer, port, token).ConfigureAwait(false);
                        return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
                $"{uri.GetLeftPart(UriPartial.Authority)} (load balancer {loadBalancer})");
        }
        else
        {
            route = "PortForward";
            reporter.Verbose($"Connecting to {cluster} through a port-forward over the Kubernetes API (its HTTP service is not exposed).");
            var connector = new PortForwardConnector(session, cluster, EckNames.HttpPort);
            client = new ElasticsearchRestClient([uri], trust, inner => RequestCredentials.Basic(EckNames.ElasticUser, password, inner),
                connector.ConnectAsync, $"{uri.GetLeftPart(UriPartial.Authority)} (port-forward)", connector.WaitForReadyPodAsync);
        }

        return await ConnectionVerifier.VerifyAsync(client, route, [uri.ToString()], cluster, reporter, cancellationToken, EckNames.ElasticUser).ConfigureAwait(false);
    }

    private static async Task<SecureString> ReadElasticPasswordAsync(KubernetesSession session, EckCluster cluster, CancellationToken cancellationToken)
    {
        var name = EckNames.ElasticUserSecret(cluster.Name);
        var secret = await KubernetesErrors.Run(
            new KubernetesErrors.Operation("get", "secrets", cluster.Namespace, name, session),
            () => session.Client.CoreV1.ReadNamespacedSecretAsync(name, cluster.Namespace, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        if (secret.Data is null || !secret.Data.TryGetValue(EckNames.ElasticUser, out var bytes) || bytes.Length == 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.EckElasticUserMissing,
                EckErrorCategory.ObjectNotFound,
                $"Secret {cluster.Namespace}/{name} has no '{EckNames.ElasticUser}' password (is the default user disabled with auth.disableElasticUser?).",
                "Connect with New-ElasticsearchConnection -Uri and your own -Credential or -ApiKey instead.",
                cluster);
        }

        var password = new SecureString();
        var chars = Encoding.UTF8.GetChars(bytes);
        try
        {
            foreach (var c in chars)
            {
                password.AppendChar(c);
            }
        }
        finally
        {
            Array.Clear(chars);
            Array.Clear(bytes);
        }

        password.MakeReadOnly();
        return password;
    }

    /// <summary>ca.crt of &lt;name&gt;-es-http-certs-public; null when the certificate comes from a public CA (no ca.crt).</summary>
    private static async Task<X509Certificate2Collection?> ReadHttpCaAsync(KubernetesSession session, EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var name = EckNames.HttpCertsPublicSecret(cluster.Name);
        var secret = await KubernetesReads.SecretOrNullAsync(session, cluster.Namespace, name, cancellationToken).ConfigureAwait(false);
        if (secret is null)
        {
            reporter.Verbose($"{cluster} has no secret {name}; trusting the system's CAs for its HTTP certificate.");
            return null;
        }

        if (secret.Data?.TryGetValue(EckNames.CaKey, out var bytes) != true || bytes!.Length == 0)
        {
            return null;
        }

        return new X509Certificate2Collection(TransportCaReader.Parse(Encoding.ASCII.GetString(bytes), cluster, name));
    }
}
