using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>
/// Reads of objects whose absence is an answer (not yet created by ECK, already removed, a public CA without ca.crt),
/// not a failure: null for a 404, the module's own error for anything else.
/// </summary>
internal static class KubernetesReads
{
    public static async Task<T?> ReadOrNullAsync<T>(
        KubernetesSession session,
        string resource,
        string namespaceName,
        string name,
        Func<IKubernetes, CancellationToken, Task<T>> read,
        CancellationToken cancellationToken)
        where T : class
    {
        return await KubernetesErrors.Run<T?>(new KubernetesErrors.Operation("get", resource, namespaceName, name, session), async () =>
        {
            try
            {
                return await read(session.Client, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public static Task<V1Service?> ServiceOrNullAsync(KubernetesSession session, string namespaceName, string name, CancellationToken cancellationToken) =>
        ReadOrNullAsync(session, "services", namespaceName, name,
            (client, token) => client.CoreV1.ReadNamespacedServiceAsync(name, namespaceName, cancellationToken: token), cancellationToken);

    public static Task<V1ConfigMap?> ConfigMapOrNullAsync(KubernetesSession session, string namespaceName, string name, CancellationToken cancellationToken) =>
        ReadOrNullAsync(session, "configmaps", namespaceName, name,
            (client, token) => client.CoreV1.ReadNamespacedConfigMapAsync(name, namespaceName, cancellationToken: token), cancellationToken);

    public static Task<V1Secret?> SecretOrNullAsync(KubernetesSession session, string namespaceName, string name, CancellationToken cancellationToken) =>
        ReadOrNullAsync(session, "secrets", namespaceName, name,
            (client, token) => client.CoreV1.ReadNamespacedSecretAsync(name, namespaceName, cancellationToken: token), cancellationToken);
}
