using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Sandbox.Pki;

/// <summary>PEM text in the forms ECK stores in secrets and Elasticsearch reads from config dirs.</summary>
public static class CertificatePem
{
    public static string Certificate(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    /// <summary>Concatenated certificates, e.g. a leaf followed by its CA as ECK writes tls.crt.</summary>
    public static string Chain(params X509Certificate2[] certificates)
    {
        var text = new StringBuilder();
        foreach (var certificate in certificates)
        {
            text.Append(Certificate(certificate));
        }

        return text.ToString();
    }

    /// <summary>"RSA PRIVATE KEY" (PKCS#1), what ECK writes for its RSA keys (tls.key, ca-internal).</summary>
    public static string Pkcs1PrivateKey(X509Certificate2 certificate)
    {
        using var key = RequireRsaKey(certificate);
        return key.ExportRSAPrivateKeyPem() + "\n";
    }

    /// <summary>"PRIVATE KEY" (unencrypted PKCS#8).</summary>
    public static string Pkcs8PrivateKey(X509Certificate2 certificate)
    {
        using var key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException($"Certificate {certificate.Subject} has no private key.");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>Every certificate in a PEM bundle (e.g. a ca.crt holding ECK's CA followed by user CAs).</summary>
    public static X509Certificate2Collection ReadBundle(string pem)
    {
        var collection = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(pem))
        {
            collection.ImportFromPem(pem);
        }

        return collection;
    }

    private static RSA RequireRsaKey(X509Certificate2 certificate) =>
        certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException($"Certificate {certificate.Subject} has no RSA private key.");
}
