using System.Net.WebSockets;
using System.Text;
using EckRemoteCluster.Engine.Elasticsearch;

namespace EckRemoteCluster.Tests.Elasticsearch;

public sealed class PortForwardStreamTests
{
    // Port 9200 little endian, as kubelet prefixes the first message of each channel.
    private static readonly byte[] Port = [0xF0, 0x23];

    [Fact]
    public async Task StripsThePortPrefixOnlyFromTheFirstDataMessage()
    {
        var socket = new ScriptedWebSocket(Message(0, [.. Port, .. "GET"u8]), Message(0, [.. Port]));
        using var stream = new PortForwardStream(socket, "pod elastic/es-0 port 9200");

        // The second message's bytes happen to look like a port: they are data now.
        var read = await ReadAllBytes(stream);
        Assert.Equal([.. "GET"u8, .. Port], read);
    }

    [Fact]
    public async Task APrefixSplitOverTwoMessagesIsStillSkipped()
    {
        var socket = new ScriptedWebSocket(Message(0, [Port[0]]), Message(0, [Port[1], .. "ok"u8]));
        using var stream = new PortForwardStream(socket, "pod");

        Assert.Equal("ok", await ReadAll(stream));
    }

    [Fact]
    public async Task AMessageArrivingInFragmentsIsReassembled()
    {
        var socket = new ScriptedWebSocket(Message(0, [.. Port, .. "hello"u8]));
        socket.FragmentSize = 3;
        using var stream = new PortForwardStream(socket, "pod");

        Assert.Equal("hello", await ReadAll(stream));
    }

    [Fact]
    public async Task TextOnTheErrorChannelFailsTheReadWithKubeletsReason()
    {
        var socket = new ScriptedWebSocket(
            Message(0, [.. Port]),
            Message(1, [.. Port]),
            Message(1, [.. "error forwarding port 9200: connection refused"u8]));
        using var stream = new PortForwardStream(socket, "pod elastic/es-0 port 9200");

        // An IOException for the HTTP stack; kubelet could not connect inside the pod before any byte came back, so
        // the request never reached the container and may be sent again (RequestFailureKind.NotSent).
        var error = await Assert.ThrowsAsync<PortForwardException>(() => stream.ReadAsync(new byte[16]).AsTask());

        Assert.IsAssignableFrom<IOException>(error);
        Assert.True(error.ConnectFailed);
        Assert.Contains("pod elastic/es-0 port 9200", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorAfterDataCameBackIsNotAFailedConnect()
    {
        var socket = new ScriptedWebSocket(
            Message(0, [.. Port, .. "HTTP/1.1 200"u8]),
            Message(1, [.. Port]),
            Message(1, [.. "error forwarding port 9200: connection refused"u8]));
        using var stream = new PortForwardStream(socket, "pod elastic/es-0 port 9200");
        Assert.Equal(12, await stream.ReadAsync(new byte[16]));

        var error = await Assert.ThrowsAsync<PortForwardException>(() => stream.ReadAsync(new byte[16]).AsTask());

        Assert.False(error.ConnectFailed);
    }

    [Fact]
    public async Task TheErrorChannelsOwnPortPrefixIsNotAnError()
    {
        var socket = new ScriptedWebSocket(Message(1, [.. Port]), Message(0, [.. Port, .. "data"u8]));
        using var stream = new PortForwardStream(socket, "pod");

        Assert.Equal("data", await ReadAll(stream));
    }

    [Fact]
    public async Task WritesGoOutOnTheDataChannelWithoutAPortPrefix()
    {
        var socket = new ScriptedWebSocket();
        using var stream = new PortForwardStream(socket, "pod");

        await stream.WriteAsync("GET / HTTP/1.1"u8.ToArray());
        await stream.WriteAsync("x"u8.ToArray());

        Assert.Equal([[0, .. "GET / HTTP/1.1"u8], [0, .. "x"u8]], socket.Sent);
    }

    [Fact]
    public async Task AClosedSocketEndsTheStream()
    {
        using var stream = new PortForwardStream(new ScriptedWebSocket(), "pod");

        Assert.Equal(0, await stream.ReadAsync(new byte[8]));
    }

    private static byte[] Message(byte channel, byte[] payload) => [channel, .. payload];

    private static async Task<string> ReadAll(Stream stream) => Encoding.ASCII.GetString(await ReadAllBytes(stream));

    private static async Task<byte[]> ReadAllBytes(Stream stream)
    {
        var result = new MemoryStream();
        var buffer = new byte[2];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            result.Write(buffer, 0, read);
        }

        return result.ToArray();
    }

    /// <summary>Delivers the given binary messages, then a close; keeps what was sent.</summary>
    private sealed class ScriptedWebSocket(params byte[][] messages) : WebSocket
    {
        private readonly Queue<byte[]> _incoming = new(messages);
        private byte[]? _current;
        private int _offset;
        private WebSocketState _state = WebSocketState.Open;

        public int FragmentSize { get; set; } = int.MaxValue;

        public List<byte[]> Sent { get; } = [];

        public override WebSocketCloseStatus? CloseStatus => _state == WebSocketState.CloseReceived ? WebSocketCloseStatus.NormalClosure : null;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => _state;

        public override string? SubProtocol => "v4.channel.k8s.io";

        public override void Abort() => _state = WebSocketState.Aborted;

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        {
            _state = WebSocketState.Closed;
            return Task.CompletedTask;
        }

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        {
            _state = WebSocketState.CloseSent;
            return Task.CompletedTask;
        }

        public override void Dispose()
        {
        }

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            if (_current is null)
            {
                if (!_incoming.TryDequeue(out _current))
                {
                    _state = WebSocketState.CloseReceived;
                    return Task.FromResult(new WebSocketReceiveResult(0, WebSocketMessageType.Close, true));
                }

                _offset = 0;
            }

            var count = Math.Min(Math.Min(buffer.Count, FragmentSize), _current.Length - _offset);
            _current.AsSpan(_offset, count).CopyTo(buffer);
            _offset += count;
            var end = _offset == _current.Length;
            if (end)
            {
                _current = null;
            }

            return Task.FromResult(new WebSocketReceiveResult(count, WebSocketMessageType.Binary, end));
        }

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            Sent.Add(buffer.ToArray());
            return Task.CompletedTask;
        }
    }
}
