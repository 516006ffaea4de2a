namespace EckRemoteCluster.Contracts;

/// <summary>
/// Which Kubernetes API to talk to and as whom. <paramref name="KubeConfig"/> is a path list like KUBECONFIG
/// (several files merged in order); null means KUBECONFIG, then ~/.kube/config, then the in-cluster service account.
/// <paramref name="Context"/> null means the kubeconfig's current context.
/// </summary>
internal sealed record KubernetesTarget(string? KubeConfig, string? Context);
