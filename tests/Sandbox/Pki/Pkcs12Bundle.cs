using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sandbox.Pki;

/// <summary>
/// PKCS#12 files like elasticsearch-certutil writes them (http.p12, transport.p12): a key entry with its chain and
/// optionally CA certificates, protected with a password (PBES2 AES-256 / SHA-256, which Java and OpenSSL 3 read).
/// </summary>
public static class Pkcs12Bundle
{
    public static byte[] Export(X509Certificate2 keyEntry, IEnumerable<X509Certificate2> chainAndTrustedCas, string password)
    {
        var collection = new X509Certificate2Collection { keyEntry };
        foreach (var certificate in chainAndTrustedCas)
        {
            collection.Add(certificate);
        }

        return collection.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password)
            ?? throw new CryptographicException("PKCS#12 export produced no data.");
    }

    /// <summary>A truststore: certificates only, no key entry.</summary>
    public static byte[] ExportTrustStore(IEnumerable<X509Certificate2> trustedCas, string password)
    {
        var collection = new X509Certificate2Collection();
        foreach (var ca in trustedCas)
        {
            // Only the public part: a CA's private key must not travel into a truststore.
            collection.Add(X509CertificateLoader.LoadCertificate(ca.RawData));
        }

        return collection.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password)
            ?? throw new CryptographicException("PKCS#12 export produced no data.");
    }

    public static X509Certificate2Collection Import(byte[] pkcs12, string password) =>
        X509CertificateLoader.LoadPkcs12Collection(pkcs12, password, X509KeyStorageFlags.Exportable);
}
