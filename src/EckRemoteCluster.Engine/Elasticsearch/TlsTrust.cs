using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// How the server's certificate is checked: against given CAs (chain and host name), a pinned SHA-256 fingerprint of
/// any certificate in the chain (what Elasticsearch prints at first start), not at all (only on request), or the
/// system's trust store. Keeps the reason of the last refusal so the error can say why.
/// </summary>
internal sealed class TlsTrust
{
    private readonly X509Certificate2Collection? _authorities;
    private readonly string? _fingerprint;
    private readonly bool _skip;

    private TlsTrust(X509Certificate2Collection? authorities, string? fingerprint, bool skip)
    {
        _authorities = authorities is { Count: > 0 } ? authorities : null;
        _fingerprint = fingerprint is null ? null : NormalizeFingerprint(fingerprint);
        _skip = skip;
    }

    public static TlsTrust System { get; } = new(null, null, false);

    public static TlsTrust Authorities(X509Certificate2Collection authorities) => new(authorities, null, false);

    public static TlsTrust Fingerprint(string fingerprint) => new(null, fingerprint, false);

    public static TlsTrust None { get; } = new(null, null, true);

    /// <summary>Why the last certificate was refused; null if none was.</summary>
    public string? LastRefusal { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_skip)
        {
            return true;
        }

        if (certificate is null)
        {
            return Refuse("the server sent no certificate");
        }

        using var leaf = new X509Certificate2(certificate);
        if (_fingerprint is not null)
        {
            var presented = new List<X509Certificate2> { leaf };
            presented.AddRange(chain?.ChainElements.Select(e => e.Certificate) ?? []);
            return presented.Any(c => c.GetCertHashString(HashAlgorithmName.SHA256) == _fingerprint)
                || Refuse($"no certificate of the server's chain has the SHA-256 fingerprint {_fingerprint} (the server's is {leaf.GetCertHashString(HashAlgorithmName.SHA256)})");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return Refuse($"the certificate ({leaf.Subject}) is not issued for the host name used to connect");
        }

        if (_authorities is null)
        {
            return errors == SslPolicyErrors.None || Refuse($"the certificate ({leaf.Subject}, issued by {leaf.Issuer}) is not trusted by this machine ({errors})");
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf)
            || Refuse($"the certificate ({leaf.Subject}, issued by {leaf.Issuer}) does not chain to the given CA: "
                + string.Join("; ", custom.ChainStatus.Select(s => s.StatusInformation.Trim())));
    }

    private bool Refuse(string reason)
    {
        LastRefusal = reason;
        return false;
    }

    /// <summary>Accepts AA:BB:…, aabb… and spaces; returns upper-case hex.</summary>
    internal static string NormalizeFingerprint(string fingerprint) =>
        new string(fingerprint.Where(Uri.IsHexDigit).ToArray()).ToUpperInvariant();
}
