using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>The certificate chain a remote's address presents, as seen from this machine, and which CAs it chains to.</summary>
internal sealed record ServedChain(X509Certificate2? Leaf, X509Certificate2Collection Chain, string? Failure)
{
    /// <summary>
    /// Opens TLS to <paramref name="address"/> with the server name the nodes send and keeps what the server presents.
    /// A transport port (certificate model) asks for a client certificate and may end the handshake without one: the
    /// server's certificate was seen by then, which is all this needs.
    /// </summary>
    public static async Task<ServedChain> ReadAsync(string address, string? serverName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 1 || !int.TryParse(address[(colon + 1)..], out var port))
        {
            return new ServedChain(null, [], $"[{address}] is not host:port");
        }

        var host = address[..colon].Trim('[', ']');
        X509Certificate2? leaf = null;
        var chain = new X509Certificate2Collection();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
            await using var ssl = new SslStream(tcp.GetStream(), false);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = string.IsNullOrEmpty(serverName) ? host : serverName,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, peerChain, _) =>
                {
                    leaf = certificate is null ? null : new X509Certificate2(certificate.GetRawCertData());
                    foreach (var element in peerChain?.ChainElements.Skip(1) ?? [])
                    {
                        chain.Add(new X509Certificate2(element.Certificate.RawData));
                    }

                    return true;
                },
            }, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (leaf is null)
            {
                return new ServedChain(null, chain, $"no certificate was presented at {address} ({e.Message})");
            }
        }

        return new ServedChain(leaf, chain, leaf is null ? $"no certificate was presented at {address}" : null);
    }

    /// <summary>Whether the presented certificate chains to one of <paramref name="anchors"/> (and only these).</summary>
    public bool ChainsTo(IReadOnlyCollection<X509Certificate2> anchors)
    {
        if (Leaf is null || anchors.Count == 0)
        {
            return false;
        }

        using var verifier = new X509Chain();
        verifier.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        verifier.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        verifier.ChainPolicy.CustomTrustStore.AddRange(anchors.ToArray());
        verifier.ChainPolicy.ExtraStore.AddRange(Chain);
        return verifier.Build(Leaf);
    }
}
