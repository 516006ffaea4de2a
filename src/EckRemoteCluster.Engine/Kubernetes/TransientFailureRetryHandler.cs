using System.Net;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>
/// Retries Kubernetes API requests the server refused for a passing reason (429 throttling, 503 unavailable, 504) and,
/// for merge patches, a 409 conflict. Safe because every write this module sends is absolute (a merge patch that sets
/// values, a create whose AlreadyExists the caller handles, a delete whose NotFound the caller handles): sending it
/// again cannot do anything twice.
/// </summary>
internal sealed class TransientFailureRetryHandler : DelegatingHandler
{
    internal const int MaxAttempts = 4;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            // Buffer once so each attempt can send the same body.
            await request.Content.LoadIntoBufferAsync().ConfigureAwait(false);
        }

        for (var attempt = 1; ; attempt++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            OperationContext.TraceRequest(
                "Kubernetes", request.Method.Method, request.RequestUri?.PathAndQuery ?? string.Empty, (int)response.StatusCode,
                System.Diagnostics.Stopwatch.GetElapsedTime(started), attempt);
            if (attempt >= MaxAttempts || !IsTransient(request, response))
            {
                return response;
            }

            var delay = RetryDelay(response, attempt);
            response.Dispose();
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(HttpRequestMessage request, HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
        || (response.StatusCode == HttpStatusCode.Conflict && request.Method == HttpMethod.Patch);

    private static TimeSpan RetryDelay(HttpResponseMessage response, int attempt)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta && delta <= TimeSpan.FromSeconds(10))
        {
            return delta;
        }

        return TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1));
    }
}
