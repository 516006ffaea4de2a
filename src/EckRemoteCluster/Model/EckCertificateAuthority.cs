using System.Security.Cryptography.X509Certificates;

namespace EckRemoteCluster;

/// <summary>
/// The CAs an ECK cluster's transport and remote cluster server certificates chain to: ca.crt of
/// &lt;name&gt;-es-transport-certs-public (ECK's own CA first, then any the user added). The local cluster must trust them.
/// </summary>
public sealed class EckCertificateAuthority
{
    internal EckCertificateAuthority(string cluster, string namespaceName, string? context, X509Certificate2[] certificates, string pem, string? path)
    {
        Cluster = cluster;
        Namespace = namespaceName;
        Context = context;
        Certificates = certificates;
        Pem = pem;
        Path = path;
    }

    public string Cluster { get; }

    public string Namespace { get; }

    public string? Context { get; }

    public X509Certificate2[] Certificates { get; }

    /// <summary>The whole ca.crt as ECK publishes it (every certificate, PEM).</summary>
    public string Pem { get; }

    /// <summary>The file the PEM was written to with -OutFile; null otherwise.</summary>
    public string? Path { get; }

    public string[] Subject => Certificates.Select(c => c.Subject).ToArray();

    /// <summary>SHA-256 fingerprints, upper-case hex without separators (the form Elasticsearch prints).</summary>
    public string[] Sha256Fingerprint => Certificates.Select(c => c.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)).ToArray();

    /// <summary>The earliest expiry: when the first of these CAs stops being valid.</summary>
    public DateTime NotAfter => Certificates.Length == 0 ? DateTime.MinValue : Certificates.Min(c => c.NotAfter);

    public override string ToString() => string.Join(", ", Subject);
}
