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

    public RemoteClusterConfig Config { get; } = config;

    public string? Credentials { get; } = credentials;

    public bool Connected { get; private set; }

    /// <summary>Why the last attempt failed, as the exception Elasticsearch would report.</summary>
    public EsException? LastError { get; private set; }

    /// <summary>The line Elasticsearch would log about the failure (TLS diagnostics), if any.</summary>
    public string? Diagnostic { get; private set; }

    public string? RemoteClusterName { get; private set; }

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
                node.Background(ConnectAsync);
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

    /// <summary>Sends one request; reconnects once if the connection is down (RECONNECT_IF_DISCONNECTED).</summary>
    public async Task<JsonNode> SendAsync(string action, JsonObject payload, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
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
        Diagnostic = null;
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
            LastError = Config.IsProxy
                ? new EsException(500, "connect_transport_exception",
                    $"Unable to open any proxy connections to cluster [{Config.Alias}] at address [{Config.ProxyAddress}]", cause)
                : new EsException(500, "connect_transport_exception",
                    $"Unable to open any connections to remote cluster [{Config.Alias}]", cause);
            node.Log($"failed to connect to remote cluster [{Config.Alias}]: {Describe(LastError)}" + (Diagnostic is null ? string.Empty : $"; {Diagnostic}"));
        }
    }

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
        ConnectedAddress = address;
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
                return failure is null;
            },
        };
        if (!apiKeyModel)
        {
            options.ClientCertificateContext = SslStreamCertificateContext.Create(config.TransportCertificate, config.TransportChain, offline: true);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await ssl.AuthenticateAsClientAsync(options, timeout.Token);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync();
            tcp.Dispose();
            if (failure is not null)
            {
                Diagnostic = failure.Diagnostic;
                throw failure.Exception;
            }

            throw new EsException(500, "s_s_l_handshake_exception", $"Remote host terminated the handshake: {e.Message} ({address})");
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
                throw new EsException(500, "connect_transport_exception",
                    $"[][{ConnectedAddress}] handshake failed because connection reset");
            }

            throw new IOException("connection closed by the remote node");
        }

        if (answer["alert"]?.GetValue<string>() is { } alert)
        {
            Close();
            throw new EsException(500, "s_s_l_handshake_exception", $"Received fatal alert: {alert}");
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
