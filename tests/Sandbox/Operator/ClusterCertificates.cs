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

    /// <summary>
    /// Loads the CA from its internal secret, creating it when missing or unusable; <paramref name="rotation"/> renews it
    /// from its private key (ECK's path for a CA about to expire) or replaces it with a new key (ECK's path when the
    /// secret's key is lost or does not match), as ReconcileCAForOwner in pkg/controller/common/certificates/ca_reconcile.go.
    /// </summary>
    public CertificateAuthority EnsureCa(ElasticsearchResource es, string caType, CaRotation rotation = CaRotation.None)
    {
        var secretName = caType == HttpCaType ? EckNames.HttpCaInternalSecret(es.Name) : EckNames.TransportCaInternalSecret(es.Name);
        var secret = writer.Store.Get("Secret", es.Namespace, secretName);
        var existing = TryLoad(secret);
        if (rotation == CaRotation.None && existing is not null)
        {
            return existing;
        }

        CertificateAuthority ca;
        if (rotation == CaRotation.Renew && existing is not null)
        {
            ca = existing.Renew();
            existing.Dispose();
        }
        else
        {
            existing?.Dispose();
            ca = CertificateAuthority.Create(EckNames.CaCommonName(es.Name, caType), es.Name);
        }

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
    /// The names ECK's transport csr.go (buildGeneralNames, v3.3.0) puts in a node's certificate, in its order: the common
    /// name as otherName and DNS name, the transport service &lt;es&gt;-es-transport.&lt;ns&gt;.svc, &lt;pod&gt;.&lt;sset&gt;,
    /// the pod IP and the loopback of its family; only while the remote cluster server is enabled, also
    /// &lt;es&gt;-es-remote-cluster.&lt;ns&gt;.svc and &lt;pod&gt;.&lt;sset&gt;.&lt;ns&gt;.svc (remote_cluster.publish_host); then
    /// spec.transport.tls.subjectAltNames. The SAN encoder writes DNS names before IP addresses.
    /// </summary>
    private static LeafCertificateRequest TransportRequest(ElasticsearchResource es, string pod, string statefulSet, IPAddress podIp)
    {
        var commonName = es.TransportOtherNameSuffix is { } suffix ? $"{pod}.{suffix}" : EckNames.TransportCommonName(pod, es.Name, es.Namespace);
        var dns = new List<string>
        {
            commonName,
            EckNames.ServiceDns(EckNames.TransportService(es.Name), es.Namespace),
            $"{pod}.{statefulSet}",
        };
        var ips = new List<IPAddress> { podIp, podIp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback };
        if (es.RemoteClusterServerEnabled)
        {
            dns.Add(EckNames.ServiceDns(EckNames.RemoteClusterService(es.Name), es.Namespace));
            dns.Add(EckNames.PodDns(pod, statefulSet, es.Namespace));
        }

        foreach (var (name, ip) in es.TransportSubjectAltNames)
        {
            if (!string.IsNullOrEmpty(name))
            {
                dns.Add(name);
            }

            if (!string.IsNullOrEmpty(ip) && IPAddress.TryParse(ip, out var address))
            {
                ips.Add(address);
            }
        }

        return new LeafCertificateRequest(commonName, es.Name, dns, ips, CommonNameOtherName: true);
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

/// <summary>How POST /ca/rotate replaces a cluster's transport CA.</summary>
public enum CaRotation
{
    None,

    /// <summary>A new certificate for the same key, subject and SKI: the issued certificates stay valid (ECK's yearly renewal).</summary>
    Renew,

    /// <summary>A new key: every certificate the CA issued is reissued (ECK when the CA secret's key is lost or does not match).</summary>
    NewKey,
}
