using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EckRemoteCluster.Tests.Kubernetes;

/// <summary>One request the fake API server received.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string? ContentType, string Body, string? Authorization = null);

/// <summary>
/// A plain-HTTP stand-in for the Kubernetes API on loopback, answering from a function, with a kubeconfig that points
/// at it: the engine's real client, retry handler and error mapping run unchanged, and the tests see the exact bodies sent.
/// </summary>
internal sealed class FakeKubernetesApi : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<ReceivedRequest, (int Status, string Body)> _answer;
    private readonly List<ReceivedRequest> _requests = [];
    private readonly Task _serving;

    public FakeKubernetesApi(Func<ReceivedRequest, (int Status, string Body)> answer)
    {
        _answer = answer;
        var port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
        KubeConfigPath = Path.Combine(Path.GetTempPath(), $"fake-kube-{Guid.NewGuid():n}.yaml");
        File.WriteAllText(KubeConfigPath, KubeConfigText($"http://127.0.0.1:{port}", "fake", "elastic"));
    }

    public string KubeConfigPath { get; }

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public static string KubeConfigText(string server, string context, string? namespaceName) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {context}-cluster
          cluster:
            server: {server}
        users:
        - name: {context}-user
          user:
            token: token-of-{context}
        contexts:
        - name: {context}
          context:
            cluster: {context}-cluster
            user: {context}-user
        {(namespaceName is null ? "" : $"    namespace: {namespaceName}")}
        current-context: {context}
        """;

    public static string NotFoundStatus(string? name) => name is null
        ? """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}"""
        : $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"not found: {{name}}","reason":"NotFound","details":{"name":"{{name}}"},"code":404}""";

    /// <summary>
    /// A watch's answer as the API server streams it: one {"type","object"} JSON line per event; here the stream then
    /// ends, as a watch the server closes does.
    /// </summary>
    public static string WatchEvents(params (string Type, string Object)[] events) =>
        string.Concat(events.Select(e => new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = e.Type,
            ["object"] = System.Text.Json.Nodes.JsonNode.Parse(e.Object),
        }.ToJsonString() + "\n"));

    /// <summary>Whether the request is a watch of the one object <paramref name="name"/> in the collection at <paramref name="collectionPath"/>.</summary>
    public static bool IsWatchOf(ReceivedRequest request, string collectionPath, string name)
    {
        if (request.Method != "GET" || !request.Path.StartsWith(collectionPath + "?", StringComparison.Ordinal))
        {
            return false;
        }

        var query = System.Web.HttpUtility.ParseQueryString(request.Path[(collectionPath.Length + 1)..]);
        return query["watch"] == "true" && query["fieldSelector"] == "metadata.name=" + name;
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending GetContextAsync.
        }

        File.Delete(KubeConfigPath);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var request = new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, context.Request.ContentType, await reader.ReadToEndAsync(), context.Request.Headers["Authorization"]);
            lock (_requests)
            {
                _requests.Add(request);
            }

            var (status, body) = _answer(request);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
