using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EckRemoteCluster.Engine.NodeConfig;
using Xunit;

namespace EckRemoteCluster.Tests.NodeConfig;

public sealed class Pkcs12TruststoreTests
{
    private static X509Certificate2 NewCa(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A transport.p12 like auto-configuration writes: the node's key entry and its CA, password protected.</summary>
    private static byte[] TransportP12(X509Certificate2 ca, string password, PbeParameters? pbe = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=node-1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var caKey = ca.GetRSAPrivateKey()!;
        using var leaf = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3, 4]);
        using var withKey = leaf.CopyWithPrivateKey(key);
        var collection = new X509Certificate2Collection { withKey, X509CertificateLoader.LoadCertificate(ca.RawData) };
        return pbe is null
            ? collection.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password)!
            : collection.ExportPkcs12(pbe, password)!;
    }

    [Theory]
    [InlineData("s3cret-Password")]
    [InlineData("")]
    public void AddsTheCertificateKeepsTheKeyEntryAndAValidMac(string password)
    {
        using var localCa = NewCa("local transport CA");
        using var eckCa = NewCa("eck transport CA");
        var original = TransportP12(localCa, password);

        var updated = Pkcs12Truststore.AddTrustedCertificates(original, password, [eckCa], "remote-transport-ca");

        // The BCL loader checks the MAC: a wrong one throws.
        var certificates = Pkcs12Truststore.ReadCertificates(updated, password);
        Assert.Equal(3, certificates.Count);
        Assert.Contains(certificates, c => c.Thumbprint == eckCa.Thumbprint && !c.HasPrivateKey);
        Assert.Contains(certificates, c => c.Subject == "CN=node-1" && c.HasPrivateKey);
        Assert.Throws<CryptographicException>(() => Pkcs12Truststore.ReadCertificates(updated, password + "x"));
    }

    [Fact]
    public void KeepsTheMacHashOfTheFile()
    {
        using var ca = NewCa("local transport CA");
        using var eckCa = NewCa("eck transport CA");
        var sha1File = TransportP12(ca, "pw", new PbeParameters(PbeEncryptionAlgorithm.TripleDes3KeyPkcs12, HashAlgorithmName.SHA1, 2048));
        var updated = Pkcs12Truststore.AddTrustedCertificates(sha1File, "pw", [eckCa], "remote-transport-ca");
        Assert.Equal(3, Pkcs12Truststore.ReadCertificates(updated, "pw").Count);
    }

    [Fact]
    public void MarksTheNewBagAsTrustedForJava()
    {
        using var ca = NewCa("local transport CA");
        using var eckCa = NewCa("eck transport CA");
        var updated = Pkcs12Truststore.AddTrustedCertificates(TransportP12(ca, "pw"), "pw", [eckCa], "remote-transport-ca");

        // The appended safe contents is the last, unencrypted one: its bag carries keytool's trusted-key-usage attribute.
        var pfx = new AsnReader(updated, AsnEncodingRules.DER).ReadSequence();
        pfx.ReadInteger();
        var info = pfx.ReadSequence();
        info.ReadObjectIdentifier();
        var authSafe = new AsnReader(info.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadOctetString(), AsnEncodingRules.DER).ReadSequence();
        AsnReader last = null!;
        while (authSafe.HasData)
        {
            last = authSafe.ReadSequence();
        }

        Assert.Equal("1.2.840.113549.1.7.1", last.ReadObjectIdentifier());
        var bag = new AsnReader(last.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadOctetString(), AsnEncodingRules.DER).ReadSequence().ReadSequence();
        Assert.Equal("1.2.840.113549.1.12.10.1.3", bag.ReadObjectIdentifier());
        bag.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        var attributes = bag.ReadSetOf();
        var ids = new List<string>();
        while (attributes.HasData)
        {
            ids.Add(attributes.ReadSequence().ReadObjectIdentifier());
        }

        Assert.Contains("2.16.840.1.113894.746875.1.1", ids);
        Assert.Contains("1.2.840.113549.1.9.20", ids);
    }

    [Fact]
    public void RemovesATrustedEntryItAddedAndKeepsTheKeyEntryTheOthersAndAValidMac()
    {
        using var localCa = NewCa("local transport CA");
        using var oldEck = NewCa("quickstart-transport old");
        using var newEck = NewCa("quickstart-transport new");
        var withBoth = Pkcs12Truststore.AddTrustedCertificates(
            Pkcs12Truststore.AddTrustedCertificates(TransportP12(localCa, "pw"), "pw", [oldEck], "remote-transport-ca"), "pw", [newEck], "remote-transport-ca");

        var updated = Pkcs12Truststore.RemoveTrustedCertificates(withBoth, "pw", [oldEck.Thumbprint], out var notRemoved);

        Assert.Empty(notRemoved);
        var certificates = Pkcs12Truststore.ReadCertificates(updated, "pw");
        Assert.DoesNotContain(certificates, c => c.Thumbprint == oldEck.Thumbprint);
        Assert.Contains(certificates, c => c.Thumbprint == newEck.Thumbprint && !c.HasPrivateKey);
        Assert.Contains(certificates, c => c.Thumbprint == localCa.Thumbprint);
        Assert.Contains(certificates, c => c.Subject == "CN=node-1" && c.HasPrivateKey);
        Assert.Throws<CryptographicException>(() => Pkcs12Truststore.ReadCertificates(updated, "wrong"));
    }

    [Fact]
    public void AnEntryInAnEncryptedSafeOrTheKeyEntrysOwnCertificateIsNotRemoved()
    {
        using var localCa = NewCa("local transport CA");
        var original = TransportP12(localCa, "pw");
        var leaf = Pkcs12Truststore.ReadCertificates(original, "pw").Single(c => c.HasPrivateKey);

        var updated = Pkcs12Truststore.RemoveTrustedCertificates(original, "pw", [localCa.Thumbprint, leaf.Thumbprint], out var notRemoved);

        Assert.Equal(original, updated);
        Assert.Equal(new[] { localCa.Thumbprint, leaf.Thumbprint }.Order(StringComparer.Ordinal), notRemoved.Order(StringComparer.Ordinal));
    }
}
