using System.Net;

namespace Sandbox.Operator;

/// <summary>
/// Pod IPs from the pod network 10.244.0.0/16, as kind/flannel hand them out. They appear in pod status and transport
/// certificate SANs but are never connected to: nothing outside a cluster can reach them.
/// </summary>
internal sealed class PodAddressPool(int seed)
{
    private readonly Random random = new(seed);
    private readonly HashSet<IPAddress> used = [];
    private readonly Lock gate = new();

    public IPAddress Next()
    {
        lock (gate)
        {
            while (true)
            {
                var address = new IPAddress([10, 244, (byte)random.Next(0, 4), (byte)random.Next(2, 255)]);
                if (used.Add(address))
                {
                    return address;
                }
            }
        }
    }

    public void Reserve(IPAddress address)
    {
        lock (gate)
        {
            used.Add(address);
        }
    }
}
