using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EckRemoteCluster;

/// <summary>
/// The CA a self-managed node's transport certificate chains to, read from its config directory: what an ECK cluster
/// must trust for the TLS-certificate model (Add-EckTransportTrust). Certificates and Pem make it usable wherever a
/// CA is taken, like an EckCertificateAuthority.
/// </summary>
public sealed class ElasticsearchTransportCa
{
    internal ElasticsearchTransportCa(string configPath, string? clusterName, string? nodeName, string source, X509Certificate2[] certificates, string pem)
    {
        ConfigPath = configPath;
        ClusterName = clusterName;
        NodeName = nodeName;
        Source = source;
        Certificates = certificates;
        Pem = pem;
    }

    /// <summary>The node's config directory it was read from.</summary>
    public string ConfigPath { get; }

    public string? ClusterName { get; }

    public string? NodeName { get; }

    /// <summary>The file(s) the CA came from: the PEM certificate_authorities or the PKCS#12 truststore.</summary>
    public string Source { get; }

    public X509Certificate2[] Certificates { get; }

    /// <summary>The CA certificate(s) as PEM, what a ConfigMap's ca.crt holds.</summary>
    public string Pem { get; }

    public string[] Subject => Certificates.Select(c => c.Subject).ToArray();

    /// <summary>SHA-256 fingerprints, upper-case hex without separators (the form Elasticsearch prints).</summary>
    public string[] Sha256Fingerprint => Certificates.Select(c => c.GetCertHashString(HashAlgorithmName.SHA256)).ToArray();

    public DateTime NotAfter => Certificates.Length == 0 ? DateTime.MinValue : Certificates.Min(c => c.NotAfter);

    public override string ToString() => string.Join(", ", Subject);
}
