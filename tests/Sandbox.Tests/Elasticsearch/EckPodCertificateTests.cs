using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>
/// Every pod of a three-node ECK cluster presents, on its transport port and on its remote cluster server port, the
/// certificate ECK keeps for it in &lt;sset&gt;-es-transport-certs, issued by the one transport CA of the cluster
/// (&lt;es&gt;-es-transport-certs-public): after the remote cluster server is enabled (a rolling restart), after a change
/// of spec.transport.tls.subjectAltNames (certificates reissued, no restart: Elasticsearch reloads the files), and after
/// the CA is rotated. ECK issues every pod's certificate from that CA (elastic/cloud-on-k8s
/// pkg/controller/elasticsearch/certificates/transport/reconcile.go, pod_secret.go).
/// </summary>
public class EckPodCertificateTests(FullSandboxFixture fixture) : IClassFixture<FullSandboxFixture>
{
    private static readonly string[] Pods = ["quickstart-es-default-0", "quickstart-es-default-1", "quickstart-es-default-2"];

    [Fact]
    public async Task AfterTheRemoteClusterServerRollsOutEveryPodPresentsItsOwnCertificateFromTheClusterCa()
    {
        await PatchAsync("""{"spec":{"remoteClusterServer":{"enabled":true}}}""");

        await AssertEveryPodPresentsItsCertificateAsync(ports: [9300, 9443]);
    }

    [Fact]
    public async Task ACertificateReissuedWithoutARestartIsPresentedOnTheNextConnection()
    {
        var name = $"extra-{Guid.NewGuid():N}"[..16] + ".example.com";
        await PatchAsync("""{"spec":{"transport":{"tls":{"subjectAltNames":[{"dns":"NAME"}]}}}}""".Replace("NAME", name, StringComparison.Ordinal));

        var presented = await AssertEveryPodPresentsItsCertificateAsync(ports: [9300]);
        Assert.All(presented, certificate => Assert.Contains(name, SubjectAltDnsNames(certificate)));
    }

    [Fact]
    public async Task AfterTheCaIsRotatedEveryPodPresentsACertificateFromTheNewCa()
    {
        var before = await PublicCaAsync();
        Assert.Equal(202, (int)(await fixture.Control.PostAsync("ca/rotate?namespace=elastic&name=quickstart", null)).StatusCode);
        Assert.Equal(200, (int)(await fixture.Control.PostAsync("settle", null)).StatusCode);

        Assert.NotEqual(before.Thumbprint, (await PublicCaAsync()).Thumbprint);
        await AssertEveryPodPresentsItsCertificateAsync(ports: [9300]);
    }

    private async Task PatchAsync(string patch)
    {
        await fixture.KubectlAsync("patch", "elasticsearch", "quickstart", "-n", "elastic", "--type", "merge", "-p", patch);
        Assert.Equal(200, (int)(await fixture.Control.PostAsync("settle", null)).StatusCode);
    }

    /// <summary>Connects to each pod's ports and checks what it presents; returns the certificates seen.</summary>
    private async Task<List<X509Certificate2>> AssertEveryPodPresentsItsCertificateAsync(int[] ports)
    {
        var ca = await PublicCaAsync();
        var seen = new List<X509Certificate2>();
        foreach (var pod in Pods)
        {
            var expected = X509Certificate2.CreateFromPem(await fixture.KubectlAsync(
                "get", "secret", "quickstart-es-default-es-transport-certs", "-n", "elastic", "-o", $"go-template={{{{index .data \"{pod}.tls.crt\" | base64decode}}}}"));
            foreach (var port in ports)
            {
                var endpoint = fixture.Fleet.ResolvePodPort("elastic", pod, port);
                Assert.NotNull(endpoint);
                var presented = await PresentedCertificateAsync(endpoint!);
                Assert.True(presented.Thumbprint == expected.Thumbprint,
                    $"{pod}:{port} presents {presented.Subject} issued by {presented.Issuer} ({presented.Thumbprint}), its secret holds {expected.Thumbprint}");
                Assert.True(IssuedBy(presented, ca), $"{pod}:{port} presents a certificate the cluster's transport CA did not issue");
                seen.Add(presented);
            }
        }

        return seen;
    }

    private async Task<X509Certificate2> PublicCaAsync() => X509Certificate2.CreateFromPem(await fixture.KubectlAsync(
        "get", "secret", "quickstart-es-transport-certs-public", "-n", "elastic", "-o", "go-template={{index .data \"ca.crt\" | base64decode}}"));

    private static async Task<X509Certificate2> PresentedCertificateAsync(System.Net.IPEndPoint endpoint)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint);
        X509Certificate2? presented = null;
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return true;
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "quickstart-es-transport.elastic.svc" }, timeout.Token);
        return presented ?? throw new InvalidOperationException($"{endpoint} presented no certificate");
    }

    private static bool IssuedBy(X509Certificate2 leaf, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    private static IEnumerable<string> SubjectAltDnsNames(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames());
}
