using System.Text.Json.Nodes;

namespace EckRemoteCluster.Contracts;

/// <summary>
/// One open connection to an Elasticsearch cluster's REST API, whatever carries it (direct HTTPS, an ECK load balancer
/// or a port-forward through the Kubernetes API). Cmdlets that talk to Elasticsearch use only this: authentication,
/// TLS verification, node selection and retries of safe requests are already bound into it.
/// </summary>
internal interface IElasticsearchClient
{
    /// <summary>Where requests go, for messages ("https://es1:9200", "port-forward to elastic/quickstart").</summary>
    string Description { get; }

    /// <summary>
    /// Sends one request. <paramref name="path"/> includes the query string; <paramref name="jsonBody"/> is sent as
    /// application/json when not null. Any HTTP status is returned, not thrown; failures to reach the cluster at all
    /// throw EckRemoteClusterException (ElasticsearchUnreachable, ElasticsearchTlsFailed). GET, HEAD, PUT and DELETE
    /// are retried on 429/502/503/504; POST is not, since Elasticsearch may have acted on it already. A request that
    /// never left (refused, no Ready pod) is sent again whatever its method; one that got no answer is sent again when
    /// it is not a POST, and a POST fails with ElasticsearchNoAnswer (it may or may not have been carried out).
    /// </summary>
    Task<ElasticsearchResponse> SendAsync(string method, string path, JsonNode? jsonBody, CancellationToken cancellationToken);
}

/// <summary>An Elasticsearch answer: the status and the JSON body (null when the body was empty or not JSON).</summary>
internal sealed record ElasticsearchResponse(int StatusCode, JsonNode? Body)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>error.type of an Elasticsearch error body, e.g. security_exception.</summary>
    public string? ErrorType => Body?["error"] is JsonObject error ? (string?)error["type"] : null;

    /// <summary>error.reason of an Elasticsearch error body (root cause first when the top reason is empty).</summary>
    public string? ErrorReason => Body?["error"] switch
    {
        JsonObject error => (string?)error["reason"] ?? (string?)error["root_cause"]?[0]?["reason"],
        JsonValue text => (string?)text,
        _ => null,
    };
}
