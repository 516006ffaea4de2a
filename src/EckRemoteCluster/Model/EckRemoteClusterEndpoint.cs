namespace EckRemoteCluster;

/// <summary>
/// Where the local cluster reaches an ECK cluster's remote cluster server (API-key model, port 9443 inside the pod).
/// ProxyAddress and ServerName are what cluster.remote.&lt;alias&gt;.proxy_address and .server_name take.
/// </summary>
public sealed class EckRemoteClusterEndpoint
{
    internal EckRemoteClusterEndpoint(
        string address,
        int port,
        string serverName,
        string serviceName,
        string serviceType,
        string cluster,
        string namespaceName,
        string? context,
        string? kubeConfig)
    {
        Address = address;
        Port = port;
        ServerName = serverName;
        ServiceName = serviceName;
        ServiceType = serviceType;
        Cluster = cluster;
        Namespace = namespaceName;
        Context = context;
        KubeConfig = kubeConfig;
    }

    /// <summary>The load balancer's IP or host name, or a node address for NodePort.</summary>
    public string Address { get; }

    public int Port { get; }

    /// <summary>Address:Port, with an IPv6 address in brackets ([2001:db8::1]:9443).</summary>
    public string ProxyAddress => System.Net.IPAddress.TryParse(Address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port}"
        : $"{Address}:{Port}";

    /// <summary>The TLS server name the remote cluster server's certificate carries: &lt;name&gt;-es-remote-cluster.&lt;ns&gt;.svc.</summary>
    public string ServerName { get; }

    public string ServiceName { get; }

    public string ServiceType { get; }

    /// <summary>The ECK cluster's name.</summary>
    public string Cluster { get; }

    public string Namespace { get; }

    public string? Context { get; }

    public string? KubeConfig { get; }

    public override string ToString() => ProxyAddress;
}
