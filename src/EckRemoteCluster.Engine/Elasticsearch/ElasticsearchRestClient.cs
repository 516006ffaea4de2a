using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Authentication;
using System.Text.Json;
using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using Elastic.Transport;
using Elastic.Transport.Products;
using TransportMethod = Elastic.Transport.HttpMethod;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// <see cref="IElasticsearchClient"/> for Elasticsearch's REST API (HTTP, 9200 by default; not the transport protocol on
/// 9300, whatever the library's name says), built on Elastic.Transport: its node pool picks the node, and the HTTP
/// handler is the module's own so that TLS trust, per-request credentials and (for ECK) a custom way to open
/// connections — a port-forward or a load balancer address — apply to every request. Retries are decided here, per
/// method, because the library would also repeat a POST that Elasticsearch may already have carried out: a request
/// that never left (connection refused, no Ready pod) is sent again whatever its method; one that got no answer
/// (reset, response ended) only when repeating it is harmless, otherwise it fails with ElasticsearchNoAnswer so the
/// caller can look up what happened. <c>awaitRoute</c> (a port-forward's wait for a Ready pod) runs before each retry.
/// </summary>
internal sealed class ElasticsearchRestClient : IElasticsearchClient
{
    private const int MaxAttempts = 3;

    /// <summary>Attempts for a request without an answer when each retry first waits for a route (a Ready pod).</summary>
    private const int MaxRoutedAttempts = 5;

    private readonly ITransport _transport;
    private readonly TlsTrust _trust;
    private readonly Func<CancellationToken, Task>? _awaitRoute;

    public ElasticsearchRestClient(
        IReadOnlyList<Uri> nodes,
        TlsTrust trust,
        Func<HttpMessageHandler, HttpMessageHandler> authenticate,
        Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connect,
        string description,
        Func<CancellationToken, Task>? awaitRoute = null)
    {
        _trust = trust;
        _awaitRoute = awaitRoute;
        Description = description;
        var invoker = new HttpRequestInvoker((defaultHandler, _) =>
        {
            defaultHandler.Dispose();
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = trust.Validate },
                UseProxy = connect is null,
            };
            if (connect is not null)
            {
                handler.ConnectCallback = connect;
            }

            return authenticate(handler);
        });
        NodePool pool = nodes.Count == 1 ? new SingleNodePool(nodes[0]) : new StaticNodePool(nodes, randomize: false);
        var configuration = new TransportConfiguration(pool, invoker, productRegistration: DefaultProductRegistration.Default)
        {
            DisablePings = true,
            MaxRetries = 0,
            ThrowExceptions = false,
            DisableDirectStreaming = true,

            // Request bodies here are small; plain JSON also works with proxies that do not take gzip request bodies.
            EnableHttpCompression = false,
            RequestTimeout = TimeSpan.FromSeconds(60),
        };
        _transport = new DistributedTransport(configuration);
    }

    public string Description { get; }

    public async Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken)
    {
        var httpMethod = ParseMethod(method);
        var replayable = httpMethod != TransportMethod.POST;
        var maxConnectionAttempts = _awaitRoute is null ? MaxAttempts : MaxRoutedAttempts;
        for (var attempt = 1; ; attempt++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            Exception? failure;
            try
            {
                var response = await _transport.RequestAsync<StringResponse>(
                    httpMethod, path, jsonBody is null ? null : PostData.String(jsonBody.ToJsonString()), cancellationToken).ConfigureAwait(false);
                var details = response.ApiCallDetails;
                OperationContext.TraceRequest("Elasticsearch", method, path, details.HttpStatusCode, System.Diagnostics.Stopwatch.GetElapsedTime(started), attempt);
                if (details.HttpStatusCode is int status)
                {
                    if (replayable && attempt < MaxAttempts && status is 429 or 502 or 503 or 504)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    return new ElasticsearchResponse(status, ParseBody(response.Body));
                }

                failure = details.OriginalException;
            }
            catch (TransportException ex)
            {
                OperationContext.TraceRequest("Elasticsearch", method, path, null, System.Diagnostics.Stopwatch.GetElapsedTime(started), attempt);
                failure = ex;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (RequestFailures.Find<EckRemoteClusterException>(failure) is { } known)
            {
                throw known;
            }

            if (RequestFailures.Find<AuthenticationException>(failure) is { } tls)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.ElasticsearchTlsFailed,
                    EckErrorCategory.SecurityError,
                    $"The TLS connection to {Description} was refused: {_trust.LastRefusal ?? tls.Message}",
                    "Give the cluster's HTTP CA (-CertificateAuthority, e.g. config/certs/http_ca.crt) or its fingerprint (-CertificateFingerprint); use the host name the certificate was issued for.",
                    Description,
                    failure);
            }

            // A request that got no answer at all: sent again only when it never left, or when repeating it is harmless.
            // Before that, a port-forward waits for a Ready pod (during a rolling restart the next one is picked).
            var kind = RequestFailures.Classify(failure);
            if (kind == RequestFailureKind.NoAnswer && !replayable)
            {
                throw NoAnswer(method, path, failure);
            }

            if (attempt >= maxConnectionAttempts)
            {
                throw Unreachable(failure);
            }

            OperationContext.Reporter?.Verbose($"{method} {path} on {Description} got no answer ({Innermost(failure)?.Message ?? "no response"}); "
                + (kind == RequestFailureKind.NotSent ? "it was not sent" : "it is safe to repeat") + ", sending it again.");
            if (_awaitRoute is not null)
            {
                await _awaitRoute(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private EckRemoteClusterException Unreachable(Exception? failure) => new(
        ErrorIds.ElasticsearchUnreachable,
        EckErrorCategory.ConnectionError,
        $"Elasticsearch at {Description} could not be reached: {Innermost(failure)?.Message ?? "no response"}",
        "Check the address and port (https, 9200 by default), that the cluster is running, and any firewall in between.",
        Description,
        failure);

    private EckRemoteClusterException NoAnswer(string method, string path, Exception? failure) => new(
        ErrorIds.ElasticsearchNoAnswer,
        EckErrorCategory.ConnectionError,
        $"{method} {path} reached Elasticsearch at {Description}, but the connection ended before it answered "
        + $"({Innermost(failure)?.Message ?? "no response"}): it may or may not have been carried out.",
        "Check whether it took effect (for an API key: Get-CrossClusterApiKey -Name) before running the command again; "
        + "during a rolling restart wait for it with Wait-EckCluster.",
        Description,
        failure);

    private static TransportMethod ParseMethod(string method) => method.ToUpperInvariant() switch
    {
        "GET" => TransportMethod.GET,
        "POST" => TransportMethod.POST,
        "PUT" => TransportMethod.PUT,
        "DELETE" => TransportMethod.DELETE,
        "HEAD" => TransportMethod.HEAD,
        _ => throw new ArgumentException($"Unsupported HTTP method {method}.", nameof(method)),
    };

    private static JsonNode? ParseBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return JsonValue.Create(body);
        }
    }

    private static Exception? Innermost(Exception? exception)
    {
        while (exception?.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
