namespace EckRemoteCluster;

/// <summary>Which interface of an ECK cluster an endpoint exposes, and so which security model connects through it.</summary>
public enum EckInterface
{
    /// <summary>The remote cluster server (API-key model; port 9443 in the pods).</summary>
    RemoteClusterServer,

    /// <summary>The transport interface (TLS-certificate model; port 9300 in the pods).</summary>
    Transport,
}
