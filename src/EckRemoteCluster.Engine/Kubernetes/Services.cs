using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>Reads Services, where an absent one is an answer (not yet created by ECK, or already removed), not a failure.</summary>
internal static class Services
{
    public static async Task<V1Service?> ReadOrNullAsync(KubernetesSession session, string namespaceName, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await session.Client.CoreV1.ReadNamespacedServiceAsync(name, namespaceName, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception ex) when (KubernetesErrors.Translate(ex, new KubernetesErrors.Operation("get", "services", namespaceName, name, session)) is { } translated)
        {
            throw translated;
        }
    }
}
