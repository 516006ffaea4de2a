using System.Net;
using System.Net.Sockets;

namespace Sandbox.Operator;

/// <summary>
/// Hands out the addresses a cluster gives services: cluster IPs from 10.96.0.0/12 (never connected to), node ports
/// from 30000-32767 that are free on 127.0.0.1, and load balancer addresses from a loopback pool 127.0.N.M (N from
/// --seed) on which nothing on this machine listens yet at the service's ports: sandboxes started with the same seed
/// (every test run) share the pool, and an address another sandbox serves is skipped.
/// </summary>
internal sealed class ServiceAddressAllocator
{
    private readonly Random random;
    private readonly HashSet<string> usedClusterIps = [];
    private readonly HashSet<int> usedNodePorts = [];
    private readonly HashSet<string> usedLoadBalancerIps = [];
    private readonly byte loadBalancerSubnet;
    private readonly Lock gate = new();

    public ServiceAddressAllocator(int seed)
    {
        random = new Random(seed);
        loadBalancerSubnet = (byte)random.Next(16, 250);
    }

    public string NextClusterIp()
    {
        lock (gate)
        {
            while (true)
            {
                var ip = $"10.{random.Next(96, 112)}.{random.Next(0, 256)}.{random.Next(1, 255)}";
                if (usedClusterIps.Add(ip))
                {
                    return ip;
                }
            }
        }
    }

    public void ReserveNodePort(int port)
    {
        lock (gate)
        {
            usedNodePorts.Add(port);
        }
    }

    public int NextNodePort()
    {
        lock (gate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                // Not from the seeded generator: every sandbox would draw the same ports in the same order, and two
                // started together allocate the same free port before either listens on it.
                var port = Random.Shared.Next(30000, 32768);
                if (!usedNodePorts.Contains(port) && IsFree(IPAddress.Loopback, port))
                {
                    usedNodePorts.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException("No free node port in 30000-32767.");
        }
    }

    /// <summary>The next pool address that is unused here and free on this machine at every one of <paramref name="ports"/>.</summary>
    public IPAddress NextLoadBalancerIp(IReadOnlyCollection<int> ports)
    {
        lock (gate)
        {
            for (var host = 2; host < 255; host++)
            {
                var ip = new IPAddress([127, 0, loadBalancerSubnet, (byte)host]);
                if (!usedLoadBalancerIps.Contains(ip.ToString()) && ports.All(port => IsFree(ip, port)))
                {
                    usedLoadBalancerIps.Add(ip.ToString());
                    return ip;
                }
            }

            throw new InvalidOperationException("The loopback load balancer pool is exhausted.");
        }
    }

    public void ReserveLoadBalancerIp(string ip)
    {
        lock (gate)
        {
            usedLoadBalancerIps.Add(ip);
        }
    }

    private static bool IsFree(IPAddress address, int port)
    {
        try
        {
            using var probe = new TcpListener(address, port);
            probe.Start();
            probe.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
