using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Sandbox.Elasticsearch.Remote;

/// <summary>
/// A TLS server socket on loopback (the transport port or the remote cluster server port of a node). Client certificates
/// are requested when <paramref name="requestClientCertificate"/>; their verification is the session's job, so it can
/// answer the way Elasticsearch's transport does. The certificate is asked for on every connection: Elasticsearch
/// reloads its key and certificate files when they change (SSLConfigurationReloader), so a running node presents a
/// reissued certificate on its next connection, as an ECK pod does once kubelet has updated the mounted secret.
/// </summary>
public sealed class TlsListener(
    Func<(X509Certificate2 Certificate, X509Certificate2Collection Chain)> certificate,
    bool requestClientCertificate,
    Func<SslStream, X509Certificate2?, X509Certificate2Collection, string, CancellationToken, Task> session,
    NodeLog? log = null,
    string profile = "default") : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _sessions = [];
    private TcpListener? _listener;
    private Task? _acceptLoop;

    public IPEndPoint Endpoint => (IPEndPoint)(_listener ?? throw new InvalidOperationException("Not started.")).LocalEndpoint;

    public void Start(int port)
    {
        // A restarted node binds its previous port again (the old socket may take a moment to be released); if someone
        // else holds it for good, the node gets a new one.
        for (var attempt = 0; ; attempt++)
        {
            _listener = new TcpListener(IPAddress.Loopback, attempt < 30 ? port : 0);
            try
            {
                _listener.Start();
                break;
            }
            catch (SocketException) when (port != 0 && attempt < 30)
            {
                Thread.Sleep(100);
            }
        }

        _acceptLoop = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            lock (_sessions)
            {
                _sessions.RemoveAll(t => t.IsCompleted);
                _sessions.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var channel = $"Netty4TcpChannel{{localAddress=/{client.Client.LocalEndPoint}, remoteAddress=/{client.Client.RemoteEndPoint}, profile={profile}}}";
            var handshakeDone = false;
            var plaintext = false;
            try
            {
                // Netty's SslHandler sees the first record: anything but a TLS handshake record is plaintext.
                var first = new byte[1];
                using (var peekTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
                {
                    peekTimeout.CancelAfter(TimeSpan.FromSeconds(10));
                    if (await client.Client.ReceiveAsync(first, SocketFlags.Peek, peekTimeout.Token) == 0)
                    {
                        return;
                    }
                }

                plaintext = first[0] != 0x16;

                var current = certificate();
                X509Certificate2Collection presented = [];
                await using var ssl = new SslStream(client.GetStream(), false, (_, _, peerChain, _) =>
                {
                    if (peerChain is not null)
                    {
                        foreach (var element in peerChain.ChainElements.Skip(1))
                        {
                            presented.Add(X509CertificateLoader.LoadCertificate(element.Certificate.RawData));
                        }
                    }

                    return true;
                });
                using var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                handshakeTimeout.CancelAfter(TimeSpan.FromSeconds(10));
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = SslStreamCertificateContext.Create(current.Certificate, current.Chain, offline: true),
                    ClientCertificateRequired = requestClientCertificate,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                }, handshakeTimeout.Token);
                handshakeDone = true;
                var peer = ssl.RemoteCertificate is null ? null : X509CertificateLoader.LoadCertificate(ssl.RemoteCertificate.GetRawCertData());
                await session(ssl, peer, presented, channel, _stopping.Token);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException
                                          or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // A client that speaks no TLS, goes away or is cut off by a stop: Elasticsearch closes the channel too,
                // and SecurityTransportExceptionHandler says why in this node's log.
                if (!handshakeDone && plaintext && !_stopping.IsCancellationRequested && log is not null && e is not OperationCanceledException)
                {
                    log.Warn("org.elasticsearch.xpack.core.security.transport.netty4.SecurityNetty4Transport",
                        $"received plaintext traffic on an encrypted channel, closing connection {channel}");
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener?.Stop();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        Task[] sessions;
        lock (_sessions)
        {
            sessions = [.. _sessions];
        }

        await Task.WhenAll(sessions);
        _stopping.Dispose();
    }
}
