using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Sandbox.Pki;

namespace Sandbox.Elasticsearch.Remote;

/// <summary>
/// Verifies a peer's certificate the way Elasticsearch's SSL contexts do for a verification_mode (full: chain and
/// hostname, certificate: chain only, none: nothing), and describes a failure as the JDK exception plus the diagnostic
/// line Elasticsearch logs ("failed to establish trust with server at [...]").
/// </summary>
public static class PeerCertificateVerifier
{
    public const string PkixFailure =
        "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target";

    public sealed record Failure(EsException Exception, string Diagnostic);

    public static Failure? Verify(
        X509Certificate2? peer, X509Certificate2Collection presentedChain, TrustSource trust, string verificationMode, string peerHost, bool peerIsServer)
    {
        var side = peerIsServer ? "server" : "client";
        if (peer is null)
        {
            return new Failure(
                new EsException(500, "s_s_l_handshake_exception", "Empty client certificate chain"),
                $"failed to establish trust with {side} at [{peerHost}]; the {side} did not provide a certificate");
        }

        if (verificationMode == "none")
        {
            return null;
        }

        var anchors = trust.Anchors();
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        chain.ChainPolicy.ExtraStore.AddRange(presentedChain);
        if (!chain.Build(peer))
        {
            var expired = chain.ChainStatus.Any(s => s.Status.HasFlag(X509ChainStatusFlags.NotTimeValid));
            var reason = expired
                ? $"PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed"
                : PkixFailure;
            return new Failure(
                new EsException(500, "s_s_l_handshake_exception", reason),
                TrustDiagnostic(peer, presentedChain, anchors, trust.Context, peerHost, side));
        }

        if (verificationMode == "full" && peerIsServer)
        {
            var mismatch = HostnameMismatch(peer, peerHost);
            if (mismatch is not null)
            {
                return new Failure(
                    new EsException(500, "s_s_l_handshake_exception", mismatch),
                    $"failed to establish trust with server at [{peerHost}]; {Describe(peer)}; the certificate does not match the hostname [{peerHost}] " +
                    $"(the ssl context [{trust.Context}] uses verification_mode [full])");
            }
        }

        return null;
    }

    /// <summary>The JDK's hostname check (HostnameChecker): IP literals against IP SANs, names against DNS SANs with wildcards.</summary>
    public static string? HostnameMismatch(X509Certificate2 certificate, string host)
    {
        var (dns, ips) = SubjectAlternativeNames.Read(certificate);
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            return ips.Any(i => i.Equals(ip)) ? null : $"No subject alternative names matching IP address {ip} found";
        }

        var matches = dns.Any(name => name.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(name[1..], StringComparison.OrdinalIgnoreCase) && !host[..^(name.Length - 1)].Contains('.')
            : name.Equals(host, StringComparison.OrdinalIgnoreCase));
        if (matches)
        {
            return null;
        }

        return dns.Count == 0 && ips.Count == 0
            ? "No subject alternative names present"
            : $"No subject alternative DNS name matching {host} found.";
    }

    private static string TrustDiagnostic(
        X509Certificate2 peer, X509Certificate2Collection presented, X509Certificate2Collection anchors, string context, string host, string side)
    {
        var text = $"failed to establish trust with {side} at [{host}]; {Describe(peer)}";
        var issuerInChain = presented.FirstOrDefault(c => c.Subject == peer.Issuer && c.Thumbprint != peer.Thumbprint);
        text += issuerInChain is null
            ? $"; the certificate is issued by [{peer.Issuer}] but the {side} did not provide a copy of the issuing certificate in the certificate chain"
            : $"; the certificate is issued by [{peer.Issuer}]; the issuing certificate with fingerprint [{Fingerprint(issuerInChain)}] is not trusted in this ssl context";
        var sameSubject = anchors.FirstOrDefault(a => a.Subject == peer.Issuer);
        text += anchors.Count == 0
            ? $"; this ssl context ([{context}]) is not configured to trust any certificate authorities"
            : sameSubject is not null
                ? $"; this ssl context does trust a certificate with subject [{sameSubject.Subject}] but the trusted certificate has fingerprint [{Fingerprint(sameSubject)}]"
                : $"; this ssl context ([{context}]) trusts [{anchors.Count}] certificate(s), but none of them issued this certificate";
        return text + $"; the certificate is not trusted in this ssl context ([{context}])";
    }

    private static string Describe(X509Certificate2 certificate)
    {
        var (dns, ips) = SubjectAlternativeNames.Read(certificate);
        var sans = string.Join(",", dns.Select(d => "DNS:" + d).Concat(ips.Select(i => "IP:" + i)));
        var culture = CultureInfo.InvariantCulture;
        return $"the {(certificate.Subject.Length > 0 ? "server" : "peer")} provided a certificate with subject name [{certificate.Subject}], " +
               $"fingerprint [{Fingerprint(certificate)}], keyUsage [digitalSignature, keyEncipherment] and extendedKeyUsage [serverAuth, clientAuth]; " +
               $"the certificate is valid between [{certificate.NotBefore.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", culture)}] and " +
               $"[{certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", culture)}]; " +
               $"the certificate has subject alternative names [{sans}]";
    }

    /// <summary>The JDK exception under SSLHandshakeException for a verification failure, as the stack trace shows it.</summary>
    public static LoggedException? RootCause(string reason)
    {
        if (reason.StartsWith("PKIX path building failed", StringComparison.Ordinal))
        {
            return new LoggedException("sun.security.validator.ValidatorException", reason,
                new LoggedException("sun.security.provider.certpath.SunCertPathBuilderException", "unable to find valid certification path to requested target"));
        }

        if (reason.StartsWith("PKIX path validation failed", StringComparison.Ordinal))
        {
            return new LoggedException("sun.security.validator.ValidatorException", reason,
                new LoggedException("java.security.cert.CertPathValidatorException", "validity check failed"));
        }

        return reason.StartsWith("No subject alternative", StringComparison.Ordinal)
            ? new LoggedException("java.security.cert.CertificateException", reason)
            : null;
    }

    public static string Fingerprint(X509Certificate2 certificate) => certificate.Thumbprint.ToLowerInvariant();
}
