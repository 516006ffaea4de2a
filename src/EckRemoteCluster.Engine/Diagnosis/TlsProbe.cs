using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace EckRemoteCluster.Engine.Diagnosis;

/// <summary>What a TLS handshake from this machine to a remote's address showed.</summary>
public static class HandshakeOutcome
{
    /// <summary>Nothing listens there (connection refused).</summary>
    public const string Refused = nameof(Refused);

    /// <summary>No answer in time, or the name does not resolve here.</summary>
    public const string Unreachable = nameof(Unreachable);

    /// <summary>Something answered, but not with TLS.</summary>
    public const string NotTls = nameof(NotTls);

    /// <summary>The connection was accepted but nothing answered the TLS handshake (a load balancer without a backend, a filter).</summary>
    public const string Silent = nameof(Silent);

    /// <summary>The server asked for a client certificate: a transport port (9300), not the remote cluster server.</summary>
    public const string AsksForClientCertificate = nameof(AsksForClientCertificate);

    /// <summary>The presented certificate does not chain to any of the nodes' configured CA files.</summary>
    public const string Untrusted = nameof(Untrusted);

    /// <summary>The certificate does not carry the server name the nodes send.</summary>
    public const string NameMismatch = nameof(NameMismatch);

    /// <summary>The certificate chains to a configured CA and carries the server name.</summary>
    public const string Trusted = nameof(Trusted);
}

/// <summary>The handshake's outcome and a sentence saying what was seen, "seen from this machine".</summary>
public sealed record HandshakeEvidence(string Address, string Outcome, string Detail)
{
    /// <summary>The certificates the server presented: its own first, then the rest of its chain; empty when none was seen.</summary>
    public IReadOnlyList<X509Certificate2> Served { get; init; } = [];

    public string Describe() => $"TLS handshake to {Address}, seen from this machine: {Detail}";
}

/// <summary>
/// Opens a TLS connection from this machine to a proxy address with the server name the nodes send, records the
/// certificate the server presents and whether it asks for a client certificate, then checks that certificate against
/// the CA files the nodes are configured with (and the name, under verification_mode full). This machine may see the
/// network differently from the nodes, which is why the result says where it was seen from.
/// </summary>
public static class TlsProbe
{
    public static async Task<HandshakeEvidence> ProbeAsync(
        string address, string? serverName, IReadOnlyList<X509Certificate2>? trustedCas, string verificationMode, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var served = new List<X509Certificate2>();
        var evidence = await ProbeCoreAsync(address, serverName, trustedCas, verificationMode, timeout, served, cancellationToken).ConfigureAwait(false);
        return evidence with { Served = served };
    }

    private static async Task<HandshakeEvidence> ProbeCoreAsync(
        string address, string? serverName, IReadOnlyList<X509Certificate2>? trustedCas, string verificationMode, TimeSpan timeout,
        List<X509Certificate2> served, CancellationToken cancellationToken)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 1 || !int.TryParse(address[(colon + 1)..], out var port))
        {
            return new HandshakeEvidence(address, HandshakeOutcome.Unreachable, $"[{address}] is not host:port");
        }

        var host = address[..colon].Trim('[', ']');
        using var tcp = new TcpClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await tcp.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return new HandshakeEvidence(address, HandshakeOutcome.Refused, $"the connection to {address} was refused: nothing listens there");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new HandshakeEvidence(address, HandshakeOutcome.Unreachable, $"{address} did not answer within {timeout.TotalSeconds:0} s ({e.Message})");
        }

        var targetHost = string.IsNullOrEmpty(serverName) ? host : serverName;
        X509Certificate2? presented = null;
        var chain = new X509Certificate2Collection();
        var askedForCertificate = false;
        await using var ssl = new SslStream(tcp.GetStream(), false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, peerChain, _) =>
                {
                    presented = certificate is null ? null : new X509Certificate2(certificate.GetRawCertData());
                    foreach (var element in peerChain?.ChainElements.Skip(1) ?? [])
                    {
                        chain.Add(new X509Certificate2(element.Certificate.RawData));
                    }

                    served.Clear();
                    if (presented is not null)
                    {
                        served.Add(presented);
                        served.AddRange(chain);
                    }

                    return true;
                },
                LocalCertificateSelectionCallback = (_, _, _, remote, issuers) =>
                {
                    // Called when the server sends a CertificateRequest (once the server's certificate is known).
                    if (remote is not null)
                    {
                        askedForCertificate = true;
                    }

                    return null!;
                },
            }, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (presented is null && e is OperationCanceledException)
            {
                return new HandshakeEvidence(address, HandshakeOutcome.Silent,
                    $"{address} accepted the connection but did not answer the TLS handshake within {timeout.TotalSeconds:0} s");
            }

            if (presented is null)
            {
                return new HandshakeEvidence(address, HandshakeOutcome.NotTls,
                    $"{address} accepted the connection but did not complete a TLS handshake ({e.Message}): it is not a TLS port, or TLS is terminated on the way");
            }

            if (askedForCertificate)
            {
                return new HandshakeEvidence(address, HandshakeOutcome.AsksForClientCertificate,
                    $"the server at {address} asked for a client certificate and refused the handshake without one: it is a transport port (the certificate model), not the remote cluster server");
            }
        }

        if (presented is null)
        {
            return new HandshakeEvidence(address, HandshakeOutcome.NotTls, $"{address} presented no certificate");
        }

        if (askedForCertificate)
        {
            return new HandshakeEvidence(address, HandshakeOutcome.AsksForClientCertificate,
                $"the server at {address} asked for a client certificate: it is a transport port (the certificate model, 9300), not the remote cluster server (9443); it presented {Summary(presented)}");
        }

        if (verificationMode != "none" && trustedCas is { } cas)
        {
            using var verify = new X509Chain();
            verify.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            verify.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            verify.ChainPolicy.CustomTrustStore.AddRange(cas.ToArray());
            verify.ChainPolicy.ExtraStore.AddRange(chain);
            if (!verify.Build(presented))
            {
                var trusted = cas.Count == 0 ? "no CA" : string.Join(", ", cas.Select(c => $"[{c.Subject}]"));
                return new HandshakeEvidence(address, HandshakeOutcome.Untrusted,
                    $"the server presented {Summary(presented)}, issued by [{presented.Issuer}], which none of the CA files the nodes trust issued (they hold {trusted})");
            }
        }

        if (verificationMode == "full" && NameMismatch(presented, targetHost) is { } mismatch)
        {
            return new HandshakeEvidence(address, HandshakeOutcome.NameMismatch,
                $"the server presented {Summary(presented)}, which does not carry the server name [{targetHost}] ({mismatch})");
        }

        return new HandshakeEvidence(address, HandshakeOutcome.Trusted,
            $"the server presented {Summary(presented)}" + (trustedCas is null ? string.Empty : ", trusted by the nodes' CA files") + $" and valid for [{targetHost}]");
    }

    private static string Summary(X509Certificate2 certificate)
    {
        var names = SubjectAlternativeNames(certificate);
        return $"a certificate for [{certificate.Subject}]" + (names.Count > 0 ? $" with subject alternative names [{string.Join(", ", names)}]" : string.Empty);
    }

    private static List<string> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            names.AddRange(extension.EnumerateDnsNames().Select(n => "DNS:" + n));
            names.AddRange(extension.EnumerateIPAddresses().Select(ip => "IP:" + ip));
        }

        return names;
    }

    /// <summary>Java's hostname check: IP literals against IP SANs, names against DNS SANs (one-label wildcards).</summary>
    public static string? NameMismatch(X509Certificate2 certificate, string host)
    {
        var dns = new List<string>();
        var ips = new List<IPAddress>();
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            dns.AddRange(extension.EnumerateDnsNames());
            ips.AddRange(extension.EnumerateIPAddresses());
        }

        if (IPAddress.TryParse(host, out var ip))
        {
            return ips.Any(i => i.Equals(ip)) ? null : $"no IP subject alternative name {ip}";
        }

        var matches = dns.Any(name => name.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(name[1..], StringComparison.OrdinalIgnoreCase) && !host[..^(name.Length - 1)].Contains('.')
            : name.Equals(host, StringComparison.OrdinalIgnoreCase));
        return matches ? null : $"no DNS subject alternative name matches {host}";
    }
}
