using System.Net;
using System.Security.Cryptography.X509Certificates;
using Sandbox.Pki;

namespace Sandbox.Kubernetes;

/// <summary>The API server's own CA (what the kubeconfig trusts) and its serving certificate for 127.0.0.1/localhost.</summary>
public sealed class ApiServerCertificates : IDisposable
{
    private readonly CertificateAuthority authority;

    public ApiServerCertificates()
    {
        authority = CertificateAuthority.Create("kubernetes", "sandbox");
        ServingCertificate = authority.Issue(new LeafCertificateRequest(
            "kube-apiserver", "sandbox", ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"], [IPAddress.Loopback]));
    }

    public X509Certificate2 CaCertificate => authority.Certificate;

    public X509Certificate2 ServingCertificate { get; }

    public string CaPem => CertificatePem.Certificate(authority.Certificate);

    public void Dispose()
    {
        ServingCertificate.Dispose();
        authority.Dispose();
    }
}
