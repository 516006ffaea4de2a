namespace EckRemoteCluster;

/// <summary>
/// Where the local cluster reaches an exposed interface of an ECK cluster: the remote cluster server (API-key model,
/// port 9443 in the pods) or the transport interface (certificate model, 9300), as <see cref="Interface"/> says.
/// ProxyAddress and ServerName are what cluster.remote.&lt;alias&gt;.proxy_address and .server_name take, so it pipes
/// into Connect-RemoteCluster.
/// </summary>
public sealed class EckRemoteClusterEndpoint
{
    internal EckRemoteClusterEndpoint(
        EckInterface exposed,
        string address,
        int port,
        string serverName,
        string serviceName,
        string serviceType,
        EckCluster cluster)
    {
        Interface = exposed;
        Address = address;
        Port = port;
        ServerName = serverName;
        ServiceName = serviceName;
        ServiceType = serviceType;
        Cluster = cluster.Name;
        Namespace = cluster.Namespace;
        Context = cluster.Context;
        KubeConfig = cluster.KubeConfig;
    }

    public EckInterface Interface { get; }

    /// <summary>The load balancer's IP or host name, or a node address for NodePort.</summary>
    public string Address { get; }

    public int Port { get; }

    /// <summary>Address:Port, with an IPv6 address in brackets ([2001:db8::1]:9443).</summary>
    public string ProxyAddress => System.Net.IPAddress.TryParse(Address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port}"
        : $"{Address}:{Port}";

    /// <summary>
    /// A TLS server name the interface's certificate carries: &lt;name&gt;-es-remote-cluster.&lt;ns&gt;.svc or
    /// &lt;name&gt;-es-transport.&lt;ns&gt;.svc.
    /// </summary>
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
