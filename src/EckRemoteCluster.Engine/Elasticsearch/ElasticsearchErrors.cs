using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Elasticsearch;

/// <summary>
/// The one place an Elasticsearch error answer becomes the module's failure, so a status means the same ErrorId whichever
/// cmdlet sent the request; the message quotes Elasticsearch's own reason.
/// </summary>
internal static class ElasticsearchErrors
{
    public static void ThrowUnlessSuccess(ElasticsearchResponse response, IElasticsearchClient client, string request, object? target = null)
    {
        if (!response.IsSuccess)
        {
            throw From(response, client, request, target);
        }
    }

    public static EckRemoteClusterException From(ElasticsearchResponse response, IElasticsearchClient client, string request, object? target = null)
    {
        var reason = response.ErrorReason ?? "(no reason given)";
        var type = response.ErrorType is null ? "" : $" [{response.ErrorType}]";
        var said = $"Elasticsearch at {client.Description} answered {response.StatusCode} to {request}{type}: {reason}";
        return response.StatusCode switch
        {
            401 => new EckRemoteClusterException(ErrorIds.ElasticsearchAuthenticationFailed, EckErrorCategory.AuthenticationError, said,
                "Open the connection again (New-ElasticsearchConnection) with the right -Credential or -ApiKey; an API key may have expired or been invalidated.", target),
            403 => new EckRemoteClusterException(ErrorIds.ElasticsearchForbidden, EckErrorCategory.PermissionDenied, said,
                "Connect (New-ElasticsearchConnection) as a user with the privilege the message names: 'manage' for cluster "
                + "settings, remote clusters and reloading secure settings, 'manage_security' for API keys and roles.", target),
            404 => new EckRemoteClusterException(ErrorIds.ElasticsearchNotFound, EckErrorCategory.ObjectNotFound, said,
                "Check the name or id; list what exists with the matching Get- cmdlet.", target),
            409 => new EckRemoteClusterException(ErrorIds.ElasticsearchConflict, EckErrorCategory.ResourceExists, said,
                "Another change happened at the same time; run the command again.", target),
            400 => new EckRemoteClusterException(ErrorIds.ElasticsearchRequestRejected, EckErrorCategory.InvalidArgument, said,
                "Fix what Elasticsearch's reason names and run the command again.", target),
            429 or 502 or 503 or 504 => new EckRemoteClusterException(ErrorIds.ElasticsearchUnavailable, EckErrorCategory.ResourceUnavailable, said,
                "The cluster is busy or recovering; wait and run the command again (requests that are safe to repeat were already retried).", target),
            _ => new EckRemoteClusterException(ErrorIds.ElasticsearchRequestFailed, EckErrorCategory.InvalidOperation, said,
                "Read Elasticsearch's reason; the cluster's log has the details.", target),
        };
    }
}
