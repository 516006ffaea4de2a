using System.Net.Http;
using System.Net.Sockets;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>What a request that got no HTTP answer tells about its fate, which decides whether sending it again is safe.</summary>
internal enum RequestFailureKind
{
    /// <summary>
    /// The request never reached Elasticsearch: no connection could be opened (refused, no Ready pod to forward to, or
    /// kubelet could not connect inside the pod). Safe to send again whatever the method.
    /// </summary>
    NotSent,

    /// <summary>
    /// The request went out and the connection ended before an answer came (reset, response ended, timed out): Elasticsearch
    /// may have carried it out. Only a request that is safe to repeat may be sent again blindly.
    /// </summary>
    NoAnswer,
}

/// <summary>No pod of the ECK cluster is Ready to forward a connection to; the request was not sent.</summary>
internal sealed class NoReadyPodException(string message) : IOException(message);

/// <summary>
/// kubelet reported an error on a port-forward's error channel. <see cref="ConnectFailed"/> when it could not connect to
/// the port inside the pod (nothing listens there: the container is stopping or not started yet), so the request bytes
/// written to the stream were never delivered.
/// </summary>
internal sealed class PortForwardException(string message, bool connectFailed) : IOException(message)
{
    public bool ConnectFailed { get; } = connectFailed;
}

internal static class RequestFailures
{
    /// <summary>Reads where a failure without an HTTP answer happened; anything not known to be before sending is NoAnswer.</summary>
    public static RequestFailureKind Classify(Exception? failure)
    {
        if (Find<NoReadyPodException>(failure) is not null || Find<PortForwardException>(failure) is { ConnectFailed: true })
        {
            return RequestFailureKind.NotSent;
        }

        if (Find<HttpIOException>(failure) is not null)
        {
            return RequestFailureKind.NoAnswer;
        }

        if (Find<HttpRequestException>(failure) is { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
        {
            return RequestFailureKind.NotSent;
        }

        return Find<SocketException>(failure) is { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NetworkUnreachable or SocketError.HostUnreachable }
            ? RequestFailureKind.NotSent
            : RequestFailureKind.NoAnswer;
    }

    /// <summary>The first exception of type <typeparamref name="T"/> in the chain, inner and aggregated exceptions included.</summary>
    public static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(e => e is not null) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }
}
