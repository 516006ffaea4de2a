using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using EckRemoteCluster.Engine.Elasticsearch;

namespace EckRemoteCluster.Tests.Elasticsearch;

/// <summary>
/// What the REST client does with a request that got no answer, against a plain HTTP node on loopback that can cut a
/// connection after reading the request (a pod deleted mid-request): a request that never left is sent again whatever
/// its method, one that is safe to repeat is sent again, and a POST is not (ElasticsearchNoAnswer). Before each retry
/// the route is awaited (a port-forward waits there for a Ready pod).
/// </summary>
public sealed class RequestRetryTests
{
    [Fact]
    public async Task AGetWhoseAnswerWasCutIsSentAgainAfterTheRouteIsAwaited()
    {
        using var node = new FakeNode((request, count) => count == 1 ? null : """{"cluster_name":"remote"}""");
        var routeWaits = 0;
        var client = node.Client(awaitRoute: _ =>
        {
            routeWaits++;
            return Task.CompletedTask;
        });

        var response = await client.SendAsync("GET", "/", null, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(["GET /", "GET /"], node.Requests);
        Assert.Equal(1, routeWaits);
    }

    [Fact]
    public async Task APostWhoseAnswerWasCutIsNotSentAgainAndSaysItMayHaveTakenEffect()
    {
        using var node = new FakeNode((_, _) => null);
        var client = node.Client(awaitRoute: _ => Task.CompletedTask);

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() =>
            client.SendAsync("POST", "/_security/cross_cluster/api_key", new JsonObject { ["name"] = "k" }, CancellationToken.None));

        Assert.Equal(ErrorIds.ElasticsearchNoAnswer, error.ErrorId);
        Assert.Contains("may or may not have been carried out", error.Message, StringComparison.Ordinal);
        Assert.Contains("Get-CrossClusterApiKey", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(["POST /_security/cross_cluster/api_key"], node.Requests);
    }

    [Fact]
    public async Task APostThatNeverLeftIsSentOnceThereIsARoute()
    {
        using var node = new FakeNode((_, _) => """{"id":"abc"}""");
        var connects = 0;
        var routeWaits = 0;
        var client = node.Client(
            awaitRoute: _ =>
            {
                routeWaits++;
                return Task.CompletedTask;
            },
            refuseFirst: () => Interlocked.Increment(ref connects) == 1);

        var response = await client.SendAsync("POST", "/_security/cross_cluster/api_key", new JsonObject { ["name"] = "k" }, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(["POST /_security/cross_cluster/api_key"], node.Requests);
        Assert.Equal(1, routeWaits);
    }

    [Fact]
    public async Task ARouteThatNeverComesEndsWithItsOwnError()
    {
        using var node = new FakeNode((_, _) => "{}");
        var client = node.Client(
            awaitRoute: _ => throw new EckRemoteClusterException(ErrorIds.EckClusterNoReadyPod, EckErrorCategory.ResourceUnavailable, "none Ready", "Wait-EckCluster"),
            refuseFirst: () => true);

        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() => client.SendAsync("GET", "/", null, CancellationToken.None));

        Assert.Equal(ErrorIds.EckClusterNoReadyPod, error.ErrorId);
        Assert.Empty(node.Requests);
    }

    [Fact]
    public void FailuresAreClassifiedByWhereTheyHappened()
    {
        Assert.Equal(RequestFailureKind.NoAnswer, RequestFailures.Classify(new HttpRequestException("x", new HttpIOException(HttpRequestError.ResponseEnded))));
        Assert.Equal(RequestFailureKind.NotSent, RequestFailures.Classify(new HttpRequestException(HttpRequestError.ConnectionError, "x", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal(RequestFailureKind.NotSent, RequestFailures.Classify(new HttpRequestException("x", new PortForwardException("failed to connect to localhost:9200", connectFailed: true))));
        Assert.Equal(RequestFailureKind.NoAnswer, RequestFailures.Classify(new HttpRequestException("x", new PortForwardException("copy failed", connectFailed: false))));
        Assert.Equal(RequestFailureKind.NoAnswer, RequestFailures.Classify(new HttpRequestException("x", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)))));
        Assert.Equal(RequestFailureKind.NoAnswer, RequestFailures.Classify(null));
    }

    /// <summary>
    /// A keep-alive HTTP/1.1 node: <c>answer(request, n)</c> gives the JSON body for the n-th request, or null to cut the
    /// connection after the status line, as a pod killed while answering does.
    /// </summary>
    private sealed class FakeNode : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Func<string, int, string?> _answer;
        private readonly List<string> _requests = [];
        private readonly CancellationTokenSource _stop = new();

        public FakeNode(Func<string, int, string?> answer)
        {
            _answer = answer;
            _listener.Start();
            _ = AcceptAsync();
        }

        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public ElasticsearchRestClient Client(Func<CancellationToken, Task> awaitRoute, Func<bool>? refuseFirst = null) =>
            new([new Uri("http://es.test:9200")], TlsTrust.None, inner => inner,
                async (_, token) =>
                {
                    if (refuseFirst?.Invoke() == true)
                    {
                        throw new NoReadyPodException("no pod is Ready");
                    }

                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(IPAddress.Loopback, Port, token);
                    return new NetworkStream(socket, ownsSocket: true);
                },
                "http://es.test:9200 (test)",
                awaitRoute);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = ServeAsync(socket);
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using var _ = socket;
            await using var stream = new NetworkStream(socket);
            var buffer = new List<byte>();
            var chunk = new byte[8192];
            try
            {
                while (true)
                {
                    int headerEnd;
                    while ((headerEnd = IndexOf(buffer, "\r\n\r\n"u8.ToArray())) < 0)
                    {
                        var read = await stream.ReadAsync(chunk, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        buffer.AddRange(chunk.AsSpan(0, read).ToArray());
                    }

                    var head = Encoding.ASCII.GetString([.. buffer.GetRange(0, headerEnd)]);
                    var lines = head.Split("\r\n");
                    var length = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                        .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                    while (buffer.Count < headerEnd + 4 + length)
                    {
                        var read = await stream.ReadAsync(chunk, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        buffer.AddRange(chunk.AsSpan(0, read).ToArray());
                    }

                    buffer.RemoveRange(0, headerEnd + 4 + length);
                    var parts = lines[0].Split(' ');
                    var request = $"{parts[0]} {parts[1]}";
                    int count;
                    lock (_requests)
                    {
                        _requests.Add(request);
                        count = _requests.Count;
                    }

                    var body = _answer(request, count);
                    if (body is null)
                    {
                        // The status line, then nothing: "the response ended prematurely". (A connection closed before
                        // any byte of the answer would let SocketsHttpHandler send a request without content again itself.)
                        await stream.WriteAsync("HTTP/1.1 200 OK\r\n"u8.ToArray(), _stop.Token);
                        socket.Close();
                        return;
                    }

                    var bytes = Encoding.UTF8.GetBytes(body);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n\r\n"), _stop.Token);
                    await stream.WriteAsync(bytes, _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        }

        private static int IndexOf(List<byte> buffer, byte[] pattern)
        {
            for (var i = 0; i + pattern.Length <= buffer.Count; i++)
            {
                if (!pattern.Where((b, j) => buffer[i + j] != b).Any())
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
