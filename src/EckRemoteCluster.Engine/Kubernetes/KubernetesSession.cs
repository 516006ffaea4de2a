using EckRemoteCluster.Contracts;
using k8s;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>A client for one kubeconfig context, with what the cmdlets report about where it points.</summary>
internal sealed record KubernetesSession(IKubernetes Client, KubernetesTarget Target, string? ContextName, string DefaultNamespace)
{
    /// <summary>For messages: the context name, or "in-cluster" inside a pod.</summary>
    public string ContextLabel => ContextName ?? "in-cluster";

    public string NamespaceOrDefault(string? namespaceName) => string.IsNullOrEmpty(namespaceName) ? DefaultNamespace : namespaceName;
}
