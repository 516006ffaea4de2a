using System.Net;
using System.Security.Cryptography.X509Certificates;
using Sandbox.Pki;

namespace Sandbox.Operator;

/// <summary>
/// The CAs and certificates ECK keeps in secrets for one cluster: &lt;es&gt;-es-{http,transport}-ca-internal (tls.crt,
/// tls.key), the HTTP certificate, and one transport certificate per pod. Certificates are reissued when missing, not
/// signed by the current CA, or when their SANs no longer match (a new pod IP, a load balancer address).
/// </summary>
internal sealed class ClusterCertificates(ResourceWriter writer)
{
    public const string TransportCaType = "transport";
    public const string HttpCaType = "http";

    /// <summary>Loads the CA from its internal secret, creating (or replacing, when <paramref name="rotate"/>) it.</summary>
    public CertificateAuthority EnsureCa(ElasticsearchResource es, string caType, bool rotate = false)
    {
        var secretName = caType == HttpCaType ? EckNames.HttpCaInternalSecret(es.Name) : EckNames.TransportCaInternalSecret(es.Name);
        var secret = writer.Store.Get("Secret", es.Namespace, secretName);
        if (!rotate && TryLoad(secret) is { } existing)
        {
            return existing;
        }

        var ca = CertificateAuthority.Create(EckNames.CaCommonName(es.Name, caType), es.Name);
        var data = new Dictionary<string, string>
        {
            ["tls.crt"] = CertificatePem.Certificate(ca.Certificate),
            ["tls.key"] = CertificatePem.Pkcs1PrivateKey(ca.Certificate),
        };
        writer.Reconcile(SecretBuilder.Build(es, secretName, data), (old, expected) => ResourceWriter.ReplaceFields(old, expected, "data", "type"));
        return ca;
    }

    /// <summary>The pod's transport certificate (chain leaf + CA in &lt;pod&gt;.tls.crt), reused while still valid.</summary>
    public static X509Certificate2 EnsureTransportCertificate(
        Dictionary<string, string> secretData, ElasticsearchResource es, string pod, string statefulSet, IPAddress podIp, CertificateAuthority ca)
    {
        var expected = TransportRequest(es, pod, statefulSet, podIp);
        if (TryLoadLeaf(secretData, $"{pod}.tls.crt", $"{pod}.tls.key", ca, expected) is { } current)
        {
            return current;
        }

        var issued = ca.Issue(expected);
        secretData[$"{pod}.tls.crt"] = CertificatePem.Chain(issued, ca.Certificate);
        secretData[$"{pod}.tls.key"] = CertificatePem.Pkcs1PrivateKey(issued);
        return issued;
    }

    public static X509Certificate2 EnsureHttpCertificate(
        Dictionary<string, string> secretData, ElasticsearchResource es, IReadOnlyList<string> serviceNames, IReadOnlyList<IPAddress> serviceIps,
        CertificateAuthority ca)
    {
        var dns = new List<string> { EckNames.HttpCommonName(es.Name, es.Namespace), EckNames.HttpService(es.Name) };
        foreach (var service in serviceNames)
        {
            dns.Add(EckNames.ServiceDns(service, es.Namespace));
            dns.Add($"{service}.{es.Namespace}");
        }

        var expected = new LeafCertificateRequest(EckNames.HttpCommonName(es.Name, es.Namespace), es.Name, dns, serviceIps);
        if (TryLoadLeaf(secretData, "tls.crt", "tls.key", ca, expected) is { } current)
        {
            return current;
        }

        var issued = ca.Issue(expected);
        secretData["tls.crt"] = CertificatePem.Chain(issued, ca.Certificate);
        secretData["tls.key"] = CertificatePem.Pkcs1PrivateKey(issued);
        secretData["ca.crt"] = CertificatePem.Certificate(ca.Certificate);
        return issued;
    }

    /// <summary>
    /// SANs as ECK's transport csr.go writes them, plus the remote cluster service name that lets a client use
    /// &lt;es&gt;-es-remote-cluster.&lt;ns&gt;.svc as its TLS server name.
    /// </summary>
    private static LeafCertificateRequest TransportRequest(ElasticsearchResource es, string pod, string statefulSet, IPAddress podIp)
    {
        var commonName = EckNames.TransportCommonName(pod, es.Name, es.Namespace);
        string[] dns =
        [
            commonName,
            EckNames.ServiceDns(EckNames.TransportService(es.Name), es.Namespace),
            EckNames.ServiceDns(EckNames.RemoteClusterService(es.Name), es.Namespace),
            EckNames.PodDns(pod, statefulSet, es.Namespace),
        ];
        return new LeafCertificateRequest(commonName, es.Name, dns, [podIp, IPAddress.Loopback], CommonNameOtherName: true);
    }

    private static X509Certificate2? TryLoadLeaf(
        Dictionary<string, string> data, string certKey, string keyKey, CertificateAuthority ca, LeafCertificateRequest expected)
    {
        if (!data.TryGetValue(certKey, out var certPem) || !data.TryGetValue(keyKey, out var keyPem))
        {
            return null;
        }

        try
        {
            var certificate = X509Certificate2.CreateFromPem(certPem, keyPem);
            var (dns, ips) = SubjectAlternativeNames.Read(certificate);
            var signedByCa = certificate.Issuer == ca.Certificate.Subject && IsSignedBy(certificate, ca.Certificate);
            var sameNames = dns.SequenceEqual(expected.DnsNames) && ips.SequenceEqual(expected.IpAddresses);
            var fresh = certificate.NotAfter > DateTime.Now.AddDays(1);
            if (signedByCa && sameNames && fresh)
            {
                return certificate;
            }

            certificate.Dispose();
            return null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static bool IsSignedBy(X509Certificate2 leaf, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    private static CertificateAuthority? TryLoad(System.Text.Json.Nodes.JsonObject? secret)
    {
        var cert = SecretBuilder.ReadKey(secret, "tls.crt");
        var key = SecretBuilder.ReadKey(secret, "tls.key");
        if (cert is null || key is null)
        {
            return null;
        }

        try
        {
            var ca = CertificateAuthority.FromPem(cert, key);
            if (ca.Certificate.NotAfter > DateTime.Now.AddDays(1))
            {
                return ca;
            }

            ca.Dispose();
            return null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
