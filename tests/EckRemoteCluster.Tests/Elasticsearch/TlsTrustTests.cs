using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EckRemoteCluster.Engine.Elasticsearch;

namespace EckRemoteCluster.Tests.Elasticsearch;

public sealed class TlsTrustTests : IDisposable
{
    private readonly X509Certificate2 _ca = Authority("CN=cluster CA");
    private readonly X509Certificate2 _otherCa = Authority("CN=other CA");
    private readonly X509Certificate2 _leaf;

    public TlsTrustTests() => _leaf = Issue(_ca, "CN=quickstart-es-http");

    public void Dispose()
    {
        _leaf.Dispose();
        _ca.Dispose();
        _otherCa.Dispose();
    }

    [Fact]
    public void GivenCaTrustsACertificateItIssuedThatTheSystemDoesNot()
    {
        var trust = TlsTrust.Authorities([_ca]);

        Assert.True(trust.Validate(this, _leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Null(trust.LastRefusal);
    }

    [Fact]
    public void GivenCaRefusesACertificateOfAnotherCaAndSaysWhy()
    {
        var trust = TlsTrust.Authorities([_otherCa]);

        Assert.False(trust.Validate(this, _leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains("does not chain to the given CA", trust.LastRefusal, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenCaStillChecksTheHostName()
    {
        var trust = TlsTrust.Authorities([_ca]);

        Assert.False(trust.Validate(this, _leaf, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.Contains("host name", trust.LastRefusal, StringComparison.Ordinal);
    }

    [Fact]
    public void PinnedFingerprintOfTheLeafInAnyNotationIsTrustedDespiteChainAndNameErrors()
    {
        var hex = _leaf.GetCertHashString(HashAlgorithmName.SHA256);
        var colons = string.Join(':', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2))).ToLowerInvariant();

        var trust = TlsTrust.Fingerprint(colons);

        Assert.True(trust.Validate(this, _leaf, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void PinnedFingerprintOfTheCaInTheChainIsTrusted()
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(_leaf));

        var trust = TlsTrust.Fingerprint(_ca.GetCertHashString(HashAlgorithmName.SHA256));

        Assert.True(trust.Validate(this, _leaf, chain, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void AnotherFingerprintIsRefusedNamingTheServersOwn()
    {
        var trust = TlsTrust.Fingerprint(_otherCa.GetCertHashString(HashAlgorithmName.SHA256));

        Assert.False(trust.Validate(this, _leaf, null, SslPolicyErrors.None));
        Assert.Contains(_leaf.GetCertHashString(HashAlgorithmName.SHA256), trust.LastRefusal, StringComparison.Ordinal);
    }

    [Fact]
    public void SkipAcceptsAnything()
    {
        Assert.True(TlsTrust.None.Validate(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.True(TlsTrust.None.Validate(this, _leaf, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [Fact]
    public void SystemTrustFollowsThePlatformsVerdict()
    {
        Assert.True(TlsTrust.System.Validate(this, _leaf, null, SslPolicyErrors.None));
        Assert.False(TlsTrust.System.Validate(this, _leaf, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void NoCertificateIsRefused()
    {
        var trust = TlsTrust.Authorities([_ca]);

        Assert.False(trust.Validate(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.Contains("no certificate", trust.LastRefusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aa:bb:cc", "AABBCC")]
    [InlineData("AA BB CC", "AABBCC")]
    [InlineData("aabbcc", "AABBCC")]
    public void FingerprintsAreNormalized(string given, string expected) => Assert.Equal(expected, TlsTrust.NormalizeFingerprint(given));

    private static X509Certificate2 Authority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3, 4]);
        return issued.CopyWithPrivateKey(key);
    }
}
