using System.Net;
using System.Security.Cryptography.X509Certificates;
using Sandbox.Elasticsearch;
using Sandbox.Pki;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// An ECK cluster spec as the operator would reconcile it (transport CA and per-pod certificates with ECK's SANs, an HTTP
/// CA), for tests that drive the fleet directly.
/// </summary>
public sealed class EckTestCluster : IDisposable
{
    public EckTestCluster(string ns = "elastic", string name = "quickstart", string version = "9.1.0", int pods = 2)
    {
        Namespace = ns;
        Name = name;
        TransportCa = CertificateAuthority.Create($"{name}-transport", name);
        HttpCa = CertificateAuthority.Create($"{name}-http", name);
        HttpCertificate = HttpCa.Issue(new LeafCertificateRequest($"{name}-es-http.{ns}.es.local", name,
            [$"{name}-es-http.{ns}.es.local", $"{name}-es-http", $"{name}-es-http.{ns}.svc", "localhost"], [IPAddress.Loopback]));
        Nodes = [.. Enumerable.Range(0, pods).Select(i =>
        {
            var pod = $"{name}-es-default-{i}";
            var certificate = TransportCa.Issue(new LeafCertificateRequest($"{pod}.node.{name}.{ns}.es.local", name,
                [$"{pod}.node.{name}.{ns}.es.local", $"{name}-es-remote-cluster.{ns}.svc", $"{pod}.{name}-es-default.{ns}.svc"],
                [IPAddress.Parse($"10.244.0.{10 + i}")], CommonNameOtherName: true));
            return new EckNodeSpec(pod, $"{name}-es-default", certificate);
        })];
        Password = "eck-" + Guid.NewGuid().ToString("N")[..16];
    }

    public string Namespace { get; }

    public string Name { get; }

    public CertificateAuthority TransportCa { get; }

    public CertificateAuthority HttpCa { get; }

    public X509Certificate2 HttpCertificate { get; }

    public IReadOnlyList<EckNodeSpec> Nodes { get; }

    public string Password { get; }

    public string ServerName => $"{Name}-es-remote-cluster.{Namespace}.svc";

    /// <summary>The PEM the user extracts from the <c>-es-transport-certs-public</c> secret (ca.crt).</summary>
    public string TransportCaPem => CertificatePem.Certificate(TransportCa.Certificate);

    public EckClusterSpec Spec(bool remoteClusterServer, params X509Certificate2[] extraTrustedCas)
    {
        var trusted = new X509Certificate2Collection { TransportCa.Certificate };
        trusted.AddRange(extraTrustedCas);
        return new EckClusterSpec(Namespace, Name, "9.1.0", Nodes, HttpCertificate, trusted, remoteClusterServer, Password);
    }

    public void Dispose()
    {
        TransportCa.Dispose();
        HttpCa.Dispose();
    }
}
