using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>Turns an Elasticsearch error answer into the module's failure, keeping Elasticsearch's own reason.</summary>
internal static class ElasticsearchErrors
{
    public static EckRemoteClusterException FromResponse(ElasticsearchResponse response, string action, string target) =>
        response.StatusCode switch
        {
            401 => new EckRemoteClusterException(
                "ElasticsearchAuthenticationFailed",
                EckErrorCategory.AuthenticationError,
                $"Elasticsearch refused the credentials while trying to {action}: {response.ErrorReason}",
                "Open the connection again (New-ElasticsearchConnection) with a valid user or API key.",
                target),
            403 => new EckRemoteClusterException(
                "ElasticsearchPermissionDenied",
                EckErrorCategory.PermissionDenied,
                $"Elasticsearch denied the request to {action}: {response.ErrorReason}",
                "Use a user with the 'manage' cluster privilege (and 'manage_security' for keys, roles and reloading secure settings).",
                target),
            _ => new EckRemoteClusterException(
                "ElasticsearchRequestRejected",
                response.StatusCode is >= 400 and < 500 ? EckErrorCategory.InvalidArgument : EckErrorCategory.ResourceUnavailable,
                $"Elasticsearch answered {response.StatusCode} ({response.ErrorType}) to the request to {action}: {response.ErrorReason}",
                response.StatusCode >= 500
                    ? "The cluster is unhealthy or overloaded; check its health (GET _cluster/health) and retry."
                    : "Correct the values named in Elasticsearch's message and retry.",
                target),
        };
}
