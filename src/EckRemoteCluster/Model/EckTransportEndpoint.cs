namespace EckRemoteCluster;

/// <summary>
/// Where the local cluster reaches an ECK cluster's transport interface (TLS-certificate model, port 9300 in the pod).
/// ProxyAddress and ServerName are what cluster.remote.&lt;alias&gt;.proxy_address and .server_name take, so it pipes
/// into Connect-RemoteCluster.
/// </summary>
public sealed class EckTransportEndpoint
{
    internal EckTransportEndpoint(string address, int port, string serverName, string serviceName, string serviceType, EckCluster cluster)
    {
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

    /// <summary>The load balancer's IP or host name, or a node address for NodePort.</summary>
    public string Address { get; }

    public int Port { get; }

    /// <summary>Address:Port, with an IPv6 address in brackets.</summary>
    public string ProxyAddress => System.Net.IPAddress.TryParse(Address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port}"
        : $"{Address}:{Port}";

    /// <summary>A name ECK's transport certificates carry: &lt;name&gt;-es-transport.&lt;namespace&gt;.svc.</summary>
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
