using System.Net;
using System.Text.Json;
using EckRemoteCluster.Engine.Eck;
using k8s.Autorest;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>
/// Turns what the Kubernetes API answered into errors that say what to do. The API server's Status body tells a missing
/// object (details.name set) from a missing resource type (a plain 404 page: the CRD is not installed).
/// </summary>
internal static class KubernetesErrors
{
    /// <summary>What the failing request was about, for the message: "patch", "elasticsearches", "elastic", "quickstart".</summary>
    internal sealed record Operation(string Verb, string Resource, string? Namespace, string? Name, KubernetesSession Session)
    {
        public string Describe() => Name is null
            ? $"{Verb} {Resource} in namespace '{Namespace ?? "(all)"}'"
            : $"{Verb} {Resource} '{Namespace}/{Name}'";
    }

    /// <summary>How many times a read is sent in all when the connection fails under it (<see cref="IsResendableRead"/>).</summary>
    internal const int ReadAttempts = 4;

    public static async Task<T> Run<T>(Operation operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < ReadAttempts && IsResendableRead(operation, ex))
            {
                // A short pause: a connection the API server (or a load balancer before it) has just closed is gone.
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Translate(ex, operation) is { } translated)
            {
                throw translated;
            }
        }
    }

    /// <summary>
    /// A get or list whose connection failed before an answer came (reset, closed under it, an HTTP/2 connection that
    /// went away with every request on it) is sent again, as client-go does for GET requests (kubernetes/kubernetes
    /// staging/src/k8s.io/client-go/rest/request.go, isErrRetryableFunc): a read changes nothing. Writes are not
    /// resent, since the server may have applied them; an answer with a status is not a connection failure.
    /// </summary>
    internal static bool IsResendableRead(Operation operation, Exception ex) =>
        operation.Verb is "get" or "list"
        && ex is HttpRequestException { StatusCode: null } or IOException
        && ex is not OperationCanceledException;

    public static EckRemoteClusterException? Translate(Exception ex, Operation operation)
    {
        switch (ex)
        {
            case EckRemoteClusterException:
                return null;
            case HttpOperationException http:
                return FromStatus(http.Response.StatusCode, http.Response.Content, operation, http);
            case k8s.KubernetesException kubernetes when kubernetes.Status?.Code is int code:
                return FromStatus((HttpStatusCode)code, JsonSerializer.Serialize(new { message = kubernetes.Status.Message, reason = kubernetes.Status.Reason }), operation, kubernetes);
            case System.Net.WebSockets.WebSocketException upgrade when UpgradeStatus(upgrade) is { } refused:
                // A refused WebSocket upgrade (port-forward) only tells its status in the message.
                return FromStatus(refused, upgrade.Message, operation, upgrade);
            case HttpRequestException or IOException or System.Net.WebSockets.WebSocketException when ex is not OperationCanceledException:
                return new EckRemoteClusterException(
                    ErrorIds.KubernetesUnreachable,
                    EckErrorCategory.ConnectionError,
                    $"The Kubernetes API of context '{operation.Session.ContextLabel}' could not be reached: {WithCause(ex)}",
                    "Check that the cluster is up and reachable from here (kubectl cluster-info --context " + operation.Session.ContextLabel + "), and any VPN or proxy.",
                    operation.Name,
                    ex);
            case k8s.Exceptions.KubeConfigException config:
                return new EckRemoteClusterException(
                    ErrorIds.KubeCredentialFailed,
                    EckErrorCategory.AuthenticationError,
                    $"Getting credentials for context '{operation.Session.ContextLabel}' failed: {config.Message}",
                    "Run the kubeconfig's credential plugin by hand (kubectl get ns) to see why it fails; log in again with your cloud CLI.",
                    operation.Name,
                    ex);
            default:
                return null;
        }
    }

    /// <summary>HttpClient's "An error occurred while sending the request." says nothing alone: the innermost cause says what.</summary>
    internal static string WithCause(Exception ex)
    {
        var innermost = ex;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        return ReferenceEquals(innermost, ex) || innermost.Message == ex.Message ? ex.Message : $"{ex.Message} ({innermost.Message})";
    }

    private static EckRemoteClusterException FromStatus(HttpStatusCode status, string? body, Operation operation, Exception inner)
    {
        var (message, detailsName) = ReadStatus(body);
        var what = operation.Describe();
        var context = operation.Session.ContextLabel;
        if (message.StartsWith("admission webhook \"", StringComparison.Ordinal) && message.Contains("denied the request", StringComparison.Ordinal))
        {
            // A validating webhook refused the object (ECK's: 403 Forbidden up to 3.3, 422 Invalid from 3.4): not an RBAC matter.
            return new EckRemoteClusterException(
                ErrorIds.KubernetesAdmissionDenied,
                EckErrorCategory.InvalidData,
                $"Kubernetes refused to {what}: {message}",
                "Correct what the message names (Get-EckCluster shows the cluster's version and settings), then run the command again.",
                operation.Name,
                inner);
        }

        // A CRD that is not installed answers a plain 404 page, without the Status body's details.name.
        if (status == HttpStatusCode.NotFound && operation.Resource == EckNames.ElasticsearchPlural && detailsName is null)
        {
            return NotInstalled(operation, inner);
        }

        var (errorId, category, said, action) = status switch
        {
            HttpStatusCode.Unauthorized => (ErrorIds.KubernetesUnauthorized, EckErrorCategory.AuthenticationError,
                $"The Kubernetes API of context '{context}' did not accept the credentials: {message}",
                "Refresh the credentials (log in again with your cloud CLI, or renew the token in the kubeconfig)."),
            HttpStatusCode.Forbidden => (ErrorIds.KubernetesForbidden, EckErrorCategory.PermissionDenied,
                $"The user of context '{context}' may not {what}: {message}",
                $"Use a context whose user may {operation.Verb} {operation.Resource} in namespace '{operation.Namespace}' (check with: kubectl auth can-i {operation.Verb} {operation.Resource} -n {operation.Namespace} --context {context}), or ask for that RBAC permission."),
            HttpStatusCode.NotFound when operation.Resource == EckNames.ElasticsearchPlural => (ErrorIds.EckClusterNotFound, EckErrorCategory.ObjectNotFound,
                $"There is no Elasticsearch cluster '{operation.Name}' in namespace '{operation.Namespace}' (context '{context}').",
                "Check the name and namespace with Get-EckCluster -AllNamespaces."),
            HttpStatusCode.NotFound => (ErrorIds.KubernetesObjectNotFound, EckErrorCategory.ObjectNotFound,
                $"{operation.Resource} '{operation.Namespace}/{operation.Name}' does not exist (context '{context}'): {message}",
                "ECK creates it while it reconciles the cluster: wait for the cluster to be Ready (Wait-EckCluster) and try again."),
            HttpStatusCode.Conflict => (ErrorIds.KubernetesConflict, EckErrorCategory.ResourceExists,
                $"Kubernetes refused to {what} because of a conflicting change: {message}",
                "Someone else changed the object at the same time; run the command again."),
            HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest => (ErrorIds.KubernetesRequestInvalid, EckErrorCategory.InvalidData,
                $"Kubernetes rejected the request to {what}: {message}",
                "The cluster's CRD or admission webhook refused the change; read the message, and check the ECK version supports it."),
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.InternalServerError => (ErrorIds.KubernetesUnavailable, EckErrorCategory.ResourceUnavailable,
                $"The Kubernetes API of context '{context}' kept failing ({(int)status}) to {what}, also after {TransientFailureRetryHandler.MaxAttempts} attempts: {message}",
                "The API server is overloaded or restarting; wait a minute and run the command again."),
            _ => (ErrorIds.KubernetesRequestFailed, EckErrorCategory.InvalidOperation,
                $"Kubernetes answered {(int)status} to {what}: {message}",
                "Read the message from the API server; run the same request with kubectl -v=8 to compare."),
        };
        return new EckRemoteClusterException(errorId, category, said, action, operation.Name, inner);
    }

    public static EckRemoteClusterException NotInstalled(Operation operation, Exception? inner) => new(
        ErrorIds.EckNotInstalled,
        EckErrorCategory.NotInstalled,
        $"The Kubernetes cluster of context '{operation.Session.ContextLabel}' has no Elasticsearch resource type ({EckNames.ElasticsearchPlural}.{EckNames.Group}): ECK is not installed there.",
        "Check the context (-Context), or install ECK (its CRDs and operator) in that cluster.",
        operation.Name,
        inner);

    private static HttpStatusCode? UpgradeStatus(System.Net.WebSockets.WebSocketException ex)
    {
        var match = System.Text.RegularExpressions.Regex.Match(ex.Message, @"status code '(\d{3})'");
        return match.Success ? (HttpStatusCode)int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The Status message and details.name from an API server error body; the raw text when it is not a Status.</summary>
    private static (string Message, string? DetailsName) ReadStatus(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return ("(no message)", null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (body.Trim(), null);
            }

            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : body.Trim();
            var name = root.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Object
                && d.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            return (message, name);
        }
        catch (JsonException)
        {
            return (body.Trim(), null);
        }
    }
}
