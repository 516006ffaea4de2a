using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sandbox.Pki;

/// <summary>
/// A self-signed CA shaped like the ones ECK generates (RSA 2048, SHA-256, CN=&lt;owner&gt;-&lt;type&gt;, OU=&lt;owner&gt;,
/// backdated 10 minutes, one year by default), able to issue leaf certificates.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    /// <summary>ECK's default validity for CAs and the certificates they issue.</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(365);

    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(10);

    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public static CertificateAuthority Create(string commonName, string organizationalUnit, TimeSpan? validity = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(
            DistinguishedNames.Build(commonName, organizationalUnit), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(ServerAndClientAuth());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now - Backdate, now + (validity ?? DefaultValidity));
        return new CertificateAuthority(Reload(created));
    }

    /// <summary>
    /// A new certificate for this CA's private key, with the same subject and Subject Key Identifier and a fresh validity:
    /// what ECK does when its CA is about to expire (renewCAFromExisting in
    /// pkg/controller/common/certificates/ca_reconcile.go). Certificates issued under the old one verify with the new one
    /// and the other way round, since subject and key are the same.
    /// </summary>
    public CertificateAuthority Renew(TimeSpan? validity = null)
    {
        using var key = Certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("The CA has no RSA private key.");
        var request = new CertificateRequest(Certificate.SubjectName, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(ServerAndClientAuth());
        var subjectKeyId = Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifier;
        request.CertificateExtensions.Add(subjectKeyId is null
            ? new X509SubjectKeyIdentifierExtension(request.PublicKey, false)
            : new X509SubjectKeyIdentifierExtension(subjectKeyId, false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now - Backdate, now + (validity ?? DefaultValidity));
        return new CertificateAuthority(Reload(created));
    }

    /// <summary>Rebuilds a CA from the PEM pair ECK keeps in its <c>-ca-internal</c> secret (tls.crt, tls.key).</summary>
    public static CertificateAuthority FromPem(string certificatePem, string privateKeyPem)
    {
        using var loaded = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
        return new CertificateAuthority(Reload(loaded));
    }

    /// <summary>Issues a leaf certificate (RSA 2048, server and client auth) signed by this CA, private key included.</summary>
    public X509Certificate2 Issue(LeafCertificateRequest leaf)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(
            DistinguishedNames.Build(leaf.CommonName, leaf.OrganizationalUnit), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(ServerAndClientAuth());
        request.CertificateExtensions.Add(SubjectAlternativeNames.Build(leaf));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));

        var now = DateTimeOffset.UtcNow;
        var notAfter = now + (leaf.Validity ?? DefaultValidity);
        if (notAfter > Certificate.NotAfter)
        {
            // A leaf may not outlive its issuer; .NET refuses to sign it otherwise.
            notAfter = Certificate.NotAfter;
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(Certificate, now - Backdate, notAfter, serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    public void Dispose() => Certificate.Dispose();

    private static X509EnhancedKeyUsageExtension ServerAndClientAuth() => new(
        [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false);

    /// <summary>
    /// Round-trips through PKCS#12 so the private key is persisted in a form SslStream can use on every platform
    /// (ephemeral keys from CopyWithPrivateKey are refused by Schannel and some OpenSSL paths).
    /// </summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
}
