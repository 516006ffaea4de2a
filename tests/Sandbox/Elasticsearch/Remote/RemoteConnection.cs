using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch.Remote;

/// <summary>
/// One local node's connection to one remote cluster, opened for real: TCP to a loopback address, TLS verified with the
/// node's SSL context for the profile (remote_cluster_client with an API key credential, transport without), then the
/// handshake message. Requests go over the same stream, one at a time, each carrying the credential as Elasticsearch
/// sends the _cross_cluster_access_credentials header with every request.
/// </summary>
public sealed class RemoteConnection(EsNode node, RemoteClusterConfig config, string? credentials) : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TcpClient? _tcp;
    private Stream? _stream;
    private string _channel = string.Empty;

    public RemoteClusterConfig Config { get; private set; } = config;

    /// <summary>A changed skip_unavailable applies to the connection as it is (no reconnection).</summary>
    public void SetSkipUnavailable(bool skipUnavailable) => Config = Config with { SkipUnavailable = skipUnavailable };

    public string? Credentials { get; } = credentials;

    public bool Connected { get; private set; }

    /// <summary>Why the last attempt failed, as the exception Elasticsearch would report.</summary>
    public EsException? LastError { get; private set; }

    /// <summary>The line Elasticsearch would log about the failure (TLS diagnostics), if any.</summary>
    public string? Diagnostic { get; private set; }

    public string? RemoteClusterName { get; private set; }

    /// <summary>The remote node's name, learnt when the TLS session is up (it names the node in RemoteTransportException).</summary>
    public string? RemoteNodeName { get; private set; }

    public string? RemoteVersion { get; private set; }

    public string? ConnectedAddress { get; private set; }

    /// <summary>
    /// Notices a connection the remote closed (node stopped or restarted) while idle: the protocol never sends unsolicited
    /// data, so a readable socket between requests means end of stream. Then reconnects in the background, as the proxy
    /// strategy re-opens its sockets.
    /// </summary>
    public void CheckAlive()
    {
        if (!Connected || !_gate.Wait(0))
        {
            return;
        }

        try
        {
            if (_tcp?.Client is { } socket && socket.Poll(0, SelectMode.SelectRead))
            {
                Close();
                node.Log($"remote cluster [{Config.Alias}] closed the connection; reconnecting");
                _ = node.Background(ConnectAsync);
            }
        }
        catch (ObjectDisposedException)
        {
            Connected = false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await ConnectLockedAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Sends one request. With <paramref name="reconnect"/> (RECONNECT_IF_DISCONNECTED: _resolve/cluster, and a search
    /// of a remote with skip_unavailable false) a disconnected remote gets a fresh connection attempt first; without it
    /// (a search of a skip_unavailable remote, RECONNECT_UNLESS_SKIP_UNAVAILABLE) it fails at once with
    /// RemoteConnectionManager's "Unable to connect to [alias]", and no attempt is made.
    /// </summary>
    public async Task<JsonNode> SendAsync(string action, JsonObject payload, CancellationToken cancellationToken, bool reconnect = true)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                if (!Connected && !reconnect)
                {
                    throw new EsException(500, "connect_transport_exception", $"Unable to connect to [{Config.Alias}]");
                }

                if (!Connected)
                {
                    await ConnectLockedAsync(cancellationToken);
                    if (!Connected)
                    {
                        throw LastError!;
                    }
                }

                try
                {
                    return await ExchangeAsync(action, payload, cancellationToken);
                }
                catch (IOException) when (attempt == 0)
                {
                    Close();
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ConnectLockedAsync(CancellationToken cancellationToken)
    {
        Close();
        try
        {
            if (Config.IsProxy)
            {
                await OpenAsync(Config.ProxyAddress!, Config.ServerName, cancellationToken);
            }
            else
            {
                await SniffAsync(cancellationToken);
            }

            Connected = true;
            LastError = null;
        }
        catch (EsException cause)
        {
            Close();
            LastError = StrategyFailure(cause);
        }
    }

    /// <summary>
    /// What the connection strategy reports when a run fails, and what it logs (ProxyConnectionStrategy.openConnections,
    /// SniffConnectionStrategy): retryable failures (ConnectTransportException, IOException) become a
    /// no_seed_node_left_exception with the causes under <c>suppressed</c>; anything else (a security exception from the
    /// remote's handshake) is passed on as it is. TLS failures never reach this far with their detail: the transport's
    /// exception handler logged them and closed the channel, so the handshake only saw the connection go.
    /// </summary>
    private EsException StrategyFailure(EsException cause)
    {
        var retryable = cause.Type is "connect_transport_exception" or "stream_corrupted_exception" or "unknown_host_exception";
        if (Config.IsProxy)
        {
            node.Logs.Warn("org.elasticsearch.transport.ProxyConnectionStrategy",
                $"failed to open any proxy connections to cluster [{Config.Alias}]", Logged(cause));
            if (!retryable)
            {
                return cause;
            }

            var noSeed = new EsException(500, "no_seed_node_left_exception",
                $"Unable to open any proxy connections to cluster [{Config.Alias}] at address [{Config.ProxyAddress}]");
            noSeed.Suppressed.Add(cause);
            return noSeed;
        }

        node.Logs.Warn("org.elasticsearch.transport.SniffConnectionStrategy",
            $"fetching nodes from external cluster [{Config.Alias}] failed", Logged(cause));
        return retryable
            ? new EsException(500, "connect_transport_exception", $"Unable to open any connections to remote cluster [{Config.Alias}]", cause)
            : cause;
    }

    /// <summary>A failure from the remote's side travels back wrapped in RemoteTransportException, which the log shows.</summary>
    private LoggedException Logged(EsException cause) => cause.Status is 401 or 403 && RemoteNodeName is { } remoteNode
        ? new LoggedException("org.elasticsearch.transport.RemoteTransportException",
            $"[{remoteNode}][{ConnectedAddress}][{HandshakeAction}]", LoggedException.From(cause))
        : LoggedException.From(cause);

    private string HandshakeAction => Credentials is null ? TransportActions.TcpHandshake : TransportActions.RemoteClusterHandshake;

    /// <summary>Netty4TcpChannel's toString, as the transport's log lines name a channel.</summary>
    private string Channel(TcpClient tcp) =>
        $"Netty4TcpChannel{{localAddress=/{tcp.Client.LocalEndPoint}, remoteAddress=/{tcp.Client.RemoteEndPoint}, profile={(Credentials is null ? "default" : "_remote_cluster")}}}";

    /// <summary>
    /// SecurityTransportExceptionHandler on this node: certificate_unknown received gets its own line, the rest goes to
    /// TcpTransport.onException ("exception caught on transport layer"), with Netty's DecoderException around the
    /// SSLHandshakeException.
    /// </summary>
    private void LogTransportTlsFailure(string channel, string handshakeMessage, LoggedException? rootCause)
    {
        const string logger = "org.elasticsearch.xpack.core.security.transport.netty4.SecurityNetty4Transport";
        if (handshakeMessage == "Received fatal alert: certificate_unknown")
        {
            node.Logs.Warn(logger, $"client did not trust this server's certificate, closing connection {channel}");
            return;
        }

        var ssl = new LoggedException("javax.net.ssl.SSLHandshakeException", handshakeMessage, rootCause);
        node.Logs.Warn(logger, $"exception caught on transport layer [{channel}], closing connection",
            new LoggedException("io.netty.handler.codec.DecoderException", $"{ssl.JavaType}: {ssl.Message}", ssl));
    }

    private string HandshakeReset => $"[][{ConnectedAddress}] handshake failed because connection reset";

    /// <summary>
    /// Sniff mode: the seed tells which nodes to use (their publish addresses), and only those are connected to. From
    /// outside Kubernetes, pod addresses are unreachable, which is why proxy mode is the one that works there.
    /// </summary>
    private async Task SniffAsync(CancellationToken cancellationToken)
    {
        EsException? last = null;
        foreach (var seed in Config.Seeds)
        {
            try
            {
                await OpenAsync(seed, Config.ServerName, cancellationToken);
                var state = await ExchangeAsync(TransportActions.ClusterState, [], cancellationToken);
                Close();
                foreach (var address in (state["nodes"] as JsonArray ?? []).Select(n => n!.GetValue<string>()))
                {
                    try
                    {
                        await OpenAsync(address, Config.ServerName, cancellationToken);
                        return;
                    }
                    catch (EsException e)
                    {
                        last = e;
                    }
                }
            }
            catch (EsException e)
            {
                last = e;
            }
        }

        throw last ?? new EsException(500, "connect_transport_exception", "no seed nodes configured");
    }

    private async Task OpenAsync(string address, string serverName, CancellationToken cancellationToken)
    {
        var (host, port) = SplitAddress(address);
        var ip = Resolve(host);
        var endpoint = new IPEndPoint(ip, port);
        if (!IPAddress.IsLoopback(ip))
        {
            // The sandbox never sends a packet off the machine; an unreachable address times out like a dropped SYN.
            throw new EsException(500, "connect_transport_exception", $"[][{address}] connect_timeout[30s]");
        }

        ConnectedAddress = address;
        var tcp = new TcpClient();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await tcp.ConnectAsync(endpoint, timeout.Token);
        }
        catch (SocketException e)
        {
            tcp.Dispose();
            throw new EsException(500, "connect_transport_exception", $"[][{address}] connect_exception",
                new EsException(500, "connect_exception", e.SocketErrorCode == SocketError.ConnectionRefused
                    ? $"Connection refused: /{endpoint}"
                    : $"{e.Message}: /{endpoint}"));
        }

        var apiKeyModel = Credentials is not null;
        Stream stream;
        if (apiKeyModel && !node.Config.RemoteClientSslEnabled)
        {
            stream = tcp.GetStream();
        }
        else
        {
            stream = await AuthenticateTlsAsync(tcp, address, host, serverName, apiKeyModel, cancellationToken);
        }

        _tcp = tcp;
        _stream = stream;
        _channel = Channel(tcp);
        var handshake = await ExchangeAsync(
            apiKeyModel ? TransportActions.RemoteClusterHandshake : TransportActions.TcpHandshake,
            new JsonObject { ["cluster_alias"] = Config.Alias },
            cancellationToken);
        RemoteClusterName = handshake["cluster_name"]?.GetValue<string>();
        RemoteVersion = handshake["version"]?.GetValue<string>();
    }

    private async Task<SslStream> AuthenticateTlsAsync(
        TcpClient tcp, string address, string host, string serverName, bool apiKeyModel, CancellationToken cancellationToken)
    {
        var config = node.Config;
        var trust = apiKeyModel ? config.RemoteClientTrust : config.TransportTrust;
        var mode = apiKeyModel ? config.RemoteClientVerificationMode : config.TransportVerificationMode;
        var expectedHost = string.IsNullOrEmpty(serverName) ? host : serverName;
        PeerCertificateVerifier.Failure? failure = null;
        var ssl = new SslStream(tcp.GetStream(), false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = expectedHost,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                var presented = new X509Certificate2Collection();
                foreach (var element in chain?.ChainElements.Skip(1) ?? [])
                {
                    presented.Add(X509CertificateLoader.LoadCertificate(element.Certificate.RawData));
                }

                var peer = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                failure = PeerCertificateVerifier.Verify(peer, presented, trust, mode, expectedHost, peerIsServer: true);
                // Accepted here and refused just below with an emulated certificate_unknown alert: .NET cannot send the
                // alert the JDK sends, and the server must learn why the client went away.
                return true;
            },
        };
        if (!apiKeyModel)
        {
            options.ClientCertificateContext = SslStreamCertificateContext.Create(config.TransportCertificate, config.TransportChain, offline: true);
        }

        var channel = Channel(tcp);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await ssl.AuthenticateAsClientAsync(options, timeout.Token);
            if (failure is null)
            {
                return ssl;
            }

            await WireFrames.WriteAsync(ssl, new JsonObject { ["alert"] = "certificate_unknown" }, timeout.Token);
            throw new AuthenticationException(failure.Exception.Reason);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && failure is null)
        {
            // The peer accepted the connection and never answered the ClientHello. Netty's SslHandler gives up after its
            // handshake timeout (10 s by default), fails the connect with SslHandshakeTimeoutException and closes the
            // channel without going through the exception handler, so the transport logs no TLS line of its own; the
            // connection strategy logs the connect failure (SimpleSecurityNetty4ServerTransportTests.testTlsHandshakeTimeout:
            // "[][<address>] connect_exception" caused by SslHandshakeTimeoutException).
            await ssl.DisposeAsync();
            tcp.Dispose();
            throw new EsException(500, "connect_transport_exception", $"[][{address}] connect_exception",
                new EsException(500, "ssl_handshake_timeout_exception", $"handshake timed out after {ConnectTimeout.TotalMilliseconds:0}ms"));
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync();
            tcp.Dispose();
            if (failure is not null)
            {
                // The trust manager's diagnostic (SslDiagnostics via SSLService's logger), then the handshake failure
                // through the transport's exception handler: both in this node's log, neither in any response.
                Diagnostic = failure.Diagnostic;
                node.Logs.Warn("org.elasticsearch.xpack.core.ssl.SSLService", failure.Diagnostic);
                LogTransportTlsFailure(channel, failure.Exception.Reason, PeerCertificateVerifier.RootCause(failure.Exception.Reason));
            }
            else
            {
                LogTransportTlsFailure(channel, "Remote host terminated the handshake", null);
            }

            throw new EsException(500, "connect_transport_exception", HandshakeReset);
        }
    }

    private async Task<JsonNode> ExchangeAsync(string action, JsonObject payload, CancellationToken cancellationToken)
    {
        var stream = _stream ?? throw new IOException("not connected");
        var request = new JsonObject { ["action"] = action };
        if (Credentials is not null)
        {
            // The credentials manager is asked on every request: a key replaced by reload_secure_settings is sent at once,
            // on the connection that already exists (only an added or removed credential rebuilds it).
            request["credentials"] = node.RemoteCredentials.GetValueOrDefault(Config.Alias) ?? Credentials;
        }

        foreach (var (key, value) in payload)
        {
            request[key] = value?.DeepClone();
        }

        JsonObject? answer;
        try
        {
            await WireFrames.WriteAsync(stream, request, cancellationToken);
            answer = await WireFrames.ReadAsync(stream, cancellationToken);
        }
        catch (HttpOnTransportException e)
        {
            Close();
            throw new EsException(500, "stream_corrupted_exception", e.Message);
        }

        if (answer is null)
        {
            Close();
            if (action is TransportActions.TcpHandshake or TransportActions.RemoteClusterHandshake)
            {
                throw new EsException(500, "connect_transport_exception", HandshakeReset);
            }

            throw new IOException("connection closed by the remote node");
        }

        RemoteNodeName = answer["node"]?.GetValue<string>() ?? RemoteNodeName;
        if (answer["alert"]?.GetValue<string>() is { } alert)
        {
            // A TLS alert from the peer (the sandbox's frames stand in for it): logged here, the channel closed, and the
            // transport handshake waiting on that channel sees only the reset.
            Close();
            LogTransportTlsFailure(_channel, $"Received fatal alert: {alert}", null);
            throw new EsException(500, "connect_transport_exception", HandshakeReset);
        }

        if (answer["error"] is JsonObject error)
        {
            throw FromJson(error, answer["status"]?.GetValue<int>() ?? 500);
        }

        return answer["response"] ?? new JsonObject();
    }

    public static EsException FromJson(JsonObject error, int status) => new(
        status,
        error["type"]?.GetValue<string>() ?? "exception",
        error["reason"]?.GetValue<string>() ?? string.Empty,
        error["caused_by"] is JsonObject cause ? FromJson(cause, status) : null);

    private static (string Host, int Port) SplitAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        var host = address[..colon].Trim('[', ']');
        return (host, int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Only IP literals and localhost resolve: outside Kubernetes, *.svc names (and everything else) do not.</summary>
    private static IPAddress Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var ip))
        {
            return ip;
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        throw new EsException(500, "unknown_host_exception", $"{host}: Name or service not known");
    }

    public static string Describe(EsException e) =>
        e.CausedBy is null ? $"{e.Type}: {e.Reason}" : $"{e.Type}: {e.Reason}; caused by: {Describe(e.CausedBy)}";

    private void Close()
    {
        Connected = false;
        _stream?.Dispose();
        _tcp?.Dispose();
        _stream = null;
        _tcp = null;
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            Close();
        }
        finally
        {
            _gate.Release();
        }
    }
}
