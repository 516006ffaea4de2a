using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace Sandbox.Tests.PortForward;

/// <summary>
/// pods/portforward through KubernetesClient 21 (the library the module uses): the WebSocket handshake it makes
/// (v4.channel.k8s.io), its framing (channel byte, 2-byte port prefix on the first frame of each channel), and a real TLS
/// HTTP exchange with an Elasticsearch node at the far end.
/// </summary>
public sealed class PortForwardTests(SandboxWithNodesFixture fixture) : IClassFixture<SandboxWithNodesFixture>
{
    private const string Ns = "elastic";
    private const string Pod = "quickstart-es-default-0";

    [Fact]
    public async Task StreamDemuxerReachesElasticsearchOverTls()
    {
        using var client = Client();
        using var socket = await client.WebSocketNamespacedPodPortForwardAsync(Pod, Ns, [9200], WebSocketProtocol.V4BinaryWebsocketProtocol);
        Assert.Equal(WebSocketProtocol.V4BinaryWebsocketProtocol, socket.SubProtocol);
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        demuxer.Start();
        await using var stream = demuxer.GetStream((byte?)0, (byte?)0);

        var (statusLine, headers, body) = await GetRootAsync(stream);

        Assert.Equal("HTTP/1.1 200 OK", statusLine);
        Assert.Contains(headers, h => h.Equals("X-elastic-product: Elasticsearch", StringComparison.OrdinalIgnoreCase));
        var root = JsonNode.Parse(body)!;
        Assert.Equal("quickstart", (string?)root["cluster_name"]);
        Assert.Equal(Pod, (string?)root["name"]);
        Assert.Equal("You Know, for Search", (string?)root["tagline"]);
    }

    [Fact]
    public async Task HttpClientConnectingThroughPortForwardsGetsAnswers()
    {
        // What the module does: every HTTP connection is a fresh port-forward (SocketsHttpHandler.ConnectCallback).
        using var kubernetes = Client();
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPem(fixture.SecretValue(Ns, "quickstart-es-http-certs-public", "ca.crt"));
        var demuxers = new List<StreamDemuxer>();
        using var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = await kubernetes.WebSocketNamespacedPodPortForwardAsync(Pod, Ns, [9200], WebSocketProtocol.V4BinaryWebsocketProtocol, cancellationToken: cancellationToken);
                var demuxer = new StreamDemuxer(socket, StreamType.PortForward, ownsSocket: true);
                demuxers.Add(demuxer);
                demuxer.Start();
                return demuxer.GetStream((byte?)0, (byte?)0);
            },
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) => TrustedBy(trusted, certificate) },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("https://quickstart-es-http.elastic.svc:9200"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"elastic:{fixture.SecretValue(Ns, "quickstart-es-elastic-user", "elastic")}")));

        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync("/_security/_authenticate");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            Assert.Equal("elastic", (string?)JsonNode.Parse(body)!["username"]);
        }

        foreach (var demuxer in demuxers)
        {
            demuxer.Dispose();
        }
    }

    [Fact]
    public async Task PortForwardIsLoggedWhileOpenAsNonMutating()
    {
        // The request log is how tests check that -WhatIf sends no mutating request; a tunnel to a pod changes no state.
        using var client = Client();
        using var socket = await client.WebSocketNamespacedPodPortForwardAsync(Pod, Ns, [9200], WebSocketProtocol.V4BinaryWebsocketProtocol);

        // Logged as soon as the upgrade is answered, not only once the tunnel closes.
        var entry = fixture.Control.Requests.Snapshot().LastOrDefault(r => r.PathAndQuery.Contains($"/pods/{Pod}/portforward", StringComparison.Ordinal));
        Assert.NotNull(entry);
        Assert.Equal(101, entry.Status);
        Assert.False(entry.Mutating);
        Assert.Equal("kubernetes", entry.Target);
        Assert.Equal("sandbox-admin", entry.User);
        var json = entry.ToJson();
        Assert.False((bool)json["mutating"]!);
        Assert.Contains("pods/portforward", (string?)json["note"]);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        // The server ends the request after the close handshake: once it has, the tunnel is still logged only once.
        await fixture.Control.Requests.WhenServedAsync(entry).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(fixture.Control.Requests.Snapshot(), r => ReferenceEquals(r, entry) || (r.Time == entry.Time && r.PathAndQuery == entry.PathAndQuery));
    }

    [Fact]
    public async Task EveryChannelStartsWithThePortLittleEndian()
    {
        using var client = Client();
        using var socket = await client.WebSocketNamespacedPodPortForwardAsync(Pod, Ns, [9200], WebSocketProtocol.V4BinaryWebsocketProtocol);

        // kubelet announces the port on the data channel (0) and the error channel (1) before anything else.
        var first = await ReceiveAsync(socket);
        var second = await ReceiveAsync(socket);
        Assert.Equal(new byte[] { 0, 9200 & 0xFF, 9200 >> 8 }, first);
        Assert.Equal(new byte[] { 1, 9200 & 0xFF, 9200 >> 8 }, second);

        // Data frames after that carry no prefix: a TLS ClientHello sent on channel 0 gets a ServerHello back on channel 0.
        await using var stream = new RawPortForwardStream(socket);
        var (statusLine, _, _) = await GetRootAsync(stream);
        Assert.Equal("HTTP/1.1 200 OK", statusLine);
    }

    [Fact]
    public async Task ClosedPortIsReportedOnTheErrorChannel()
    {
        // The remote cluster server is off on the seeded cluster: nothing listens on 9443 inside the pod.
        using var client = Client();
        using var socket = await client.WebSocketNamespacedPodPortForwardAsync(Pod, Ns, [9443], WebSocketProtocol.V4BinaryWebsocketProtocol);
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        using var errors = demuxer.GetStream((byte?)1, null);
        demuxer.Start();

        using var reader = new StreamReader(errors);
        var error = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));

        // kubelet + containerd: the pod is named by its sandbox id, the dial happens inside the pod's network namespace.
        Assert.Matches("^error forwarding port 9443 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace \"/var/run/netns/cni-[0-9a-f-]{36}\": "
            + "failed to connect to localhost:9443 inside namespace \"[0-9a-f]{64}\", IPv4: dial tcp4 127.0.0.1:9443: connect: connection refused "
            + "IPv6 dial tcp6 \\[::1\\]:9443: connect: connection refused $", error);
    }

    [Fact]
    public async Task UnknownPodIsNotFoundBeforeTheUpgrade()
    {
        using var client = Client();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() =>
            client.WebSocketNamespacedPodPortForwardAsync("quickstart-es-default-9", Ns, [9200], WebSocketProtocol.V4BinaryWebsocketProtocol));
        Assert.Contains("404", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsupportedSubprotocolIsRefusedBeforeTheUpgrade()
    {
        // kubectl 1.32 asks for SPDY tunnelled in WebSocket first; the sandbox only speaks the channel protocols.
        // (.NET's ClientWebSocket rejects '/' in a subprotocol, so the upgrade request is written by hand.)
        var ca = new X509Certificate2Collection();
        ca.ImportFromPem(fixture.Api.Certificates.CaPem);
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is X509Certificate2 leaf && chain.Build(leaf);
            } },
        };
        using var http = new HttpClient(handler) { BaseAddress = fixture.Api.Uri };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/namespaces/{Ns}/pods/{Pod}/portforward?ports=9200") { Version = System.Net.HttpVersion.Version11 };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.Api.Authenticator.AdminToken);
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Protocol", "SPDY/3.1+portforward.k8s.io");

        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("requested protocol(s) are not supported: [SPDY/3.1+portforward.k8s.io]; supports [v4.channel.k8s.io channel.k8s.io]", (string?)body["message"]);
    }

    private IKubernetes Client() => new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.Kubeconfig));

    /// <summary>GET / over TLS on <paramref name="transport"/> (one HTTP connection), trusting only the cluster's HTTP CA, as elastic.</summary>
    private async Task<(string StatusLine, string[] Headers, string Body)> GetRootAsync(Stream transport)
    {
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPem(fixture.SecretValue(Ns, "quickstart-es-http-certs-public", "ca.crt"));
        var password = fixture.SecretValue(Ns, "quickstart-es-elastic-user", "elastic");
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = (_, _) => ValueTask.FromResult(transport),
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) => TrustedBy(trusted, certificate) },
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://quickstart-es-http.elastic.svc:9200/");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"elastic:{password}")));
        using var response = await http.SendAsync(request);
        var headers = response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}").ToArray();
        return ($"HTTP/{response.Version} {(int)response.StatusCode} {response.ReasonPhrase}", headers, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Chains to <paramref name="trusted"/> and names the HTTP service, as a client of the service would check.</summary>
    private static bool TrustedBy(X509Certificate2Collection trusted, X509Certificate? certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return certificate is X509Certificate2 leaf && chain.Build(leaf) && leaf.MatchesHostname("quickstart-es-http.elastic.svc");
    }

    private static async Task<byte[]> ReceiveAsync(WebSocket socket)
    {
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return message.ToArray();
    }

    /// <summary>Channel 0 of a port-forward whose two port-prefix frames were already consumed: one frame per write.</summary>
    private sealed class RawPortForwardStream(WebSocket socket) : Stream
    {
        private byte[] pending = [];
        private int offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (offset >= pending.Length)
            {
                if (socket.State != WebSocketState.Open)
                {
                    return 0;
                }

                var frame = await ReceiveAsync(socket);
                if (frame.Length == 0)
                {
                    return 0;
                }

                Assert.True(frame[0] == 0, $"unexpected frame on channel {frame[0]}: {Encoding.UTF8.GetString(frame, 1, frame.Length - 1)}");
                pending = frame;
                offset = 1;
            }

            var count = Math.Min(buffer.Length, pending.Length - offset);
            pending.AsMemory(offset, count).CopyTo(buffer);
            offset += count;
            return count;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var frame = new byte[buffer.Length + 1];
            buffer.CopyTo(frame.AsMemory(1));
            await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
