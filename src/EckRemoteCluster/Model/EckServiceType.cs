namespace EckRemoteCluster;

/// <summary>Kubernetes Service types that make the remote cluster server reachable from outside the cluster.</summary>
public enum EckServiceType
{
    LoadBalancer,
    NodePort,
}
