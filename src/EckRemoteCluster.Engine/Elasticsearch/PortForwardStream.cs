using System.Net.WebSockets;
using System.Text;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// One forwarded TCP connection over a Kubernetes port-forward WebSocket (subprotocol v4.channel.k8s.io, one port):
/// every message starts with its channel, 0 for data and 1 for errors, and the first message on each channel carries
/// the port number (2 bytes, little endian) before any payload. Text on the error channel is kubelet telling why the
/// connection to the pod failed; it surfaces as an IOException so the HTTP stack reports it.
/// </summary>
internal sealed class PortForwardStream(WebSocket socket, string podDescription) : Stream
{
    private const byte DataChannel = 0;
    private const byte ErrorChannel = 1;
    private const int PortPrefixLength = 2;

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly int[] _prefixRemaining = [PortPrefixLength, PortPrefixLength];
    private readonly StringBuilder _error = new();
    private ReadOnlyMemory<byte> _pending = ReadOnlyMemory<byte>.Empty;
    private byte[]? _message;
    private bool _receivedData;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_pending.IsEmpty)
        {
            var message = await ReceiveMessageAsync(cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                if (_error.Length > 0)
                {
                    throw Failure();
                }

                return 0;
            }

            var (channel, payload) = message.Value;
            payload = SkipPortPrefix(channel, payload);
            if (channel == DataChannel)
            {
                _pending = payload;
                _receivedData |= !payload.IsEmpty;
            }
            else if (channel == ErrorChannel && !payload.IsEmpty)
            {
                _error.Append(Encoding.UTF8.GetString(payload.Span));
                throw Failure();
            }
        }

        var count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var frame = new byte[buffer.Length + 1];
        frame[0] = DataChannel;
        buffer.CopyTo(frame.AsMemory(1));
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (socket.State == WebSocketState.Open)
            {
                try
                {
                    socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, CancellationToken.None).Wait(TimeSpan.FromSeconds(1));
                }
                catch (Exception ex) when (ex is WebSocketException or AggregateException or ObjectDisposedException)
                {
                    // The server went first; nothing left to close.
                }
            }

            socket.Dispose();
            _sendLock.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// kubelet's error as an exception. Before any byte came back, an error saying it could not connect inside the pod
    /// (containerd: "failed to connect to localhost:PORT inside namespace ... connection refused") means the request
    /// never reached the container, which is stopping or not started yet.
    /// </summary>
    private PortForwardException Failure()
    {
        var text = _error.ToString();
        var connectFailed = !_receivedData
            && (text.Contains("failed to connect", StringComparison.OrdinalIgnoreCase) || text.Contains("connection refused", StringComparison.OrdinalIgnoreCase));
        return new PortForwardException($"Port-forward to {podDescription} failed: {text}", connectFailed);
    }

    private ReadOnlyMemory<byte> SkipPortPrefix(byte channel, ReadOnlyMemory<byte> payload)
    {
        if (channel > ErrorChannel || _prefixRemaining[channel] == 0)
        {
            return payload;
        }

        var skip = Math.Min(_prefixRemaining[channel], payload.Length);
        _prefixRemaining[channel] -= skip;
        return payload[skip..];
    }

    /// <summary>The next whole message as (channel, payload); null when the server closed the WebSocket.</summary>
    private async Task<(byte Channel, ReadOnlyMemory<byte> Payload)?> ReceiveMessageAsync(CancellationToken cancellationToken)
    {
        _message ??= new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            if (length == _message.Length)
            {
                Array.Resize(ref _message, _message.Length * 2);
            }

            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(_message.AsMemory(length), cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException) when (socket.State is WebSocketState.Closed or WebSocketState.Aborted or WebSocketState.CloseReceived)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                if (length == 0)
                {
                    continue;
                }

                // Copy out: the receive buffer is reused for the next message while the caller still reads this one.
                return (_message[0], _message.AsMemory(1, length - 1).ToArray());
            }
        }
    }
}
