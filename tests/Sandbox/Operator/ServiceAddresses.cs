using System.Net;
using System.Text.Json.Nodes;

namespace Sandbox.Operator;

/// <summary>The IP addresses a Service is known by (clusterIP, externalIPs, load balancer ingress), as ECK puts them in HTTP certificate SANs.</summary>
internal static class ServiceAddresses
{
    public static IEnumerable<IPAddress> Of(JsonObject service)
    {
        var clusterIp = (string?)service["spec"]?["clusterIP"];
        if (clusterIp is not null && IPAddress.TryParse(clusterIp, out var ip))
        {
            yield return ip;
        }

        foreach (var external in (service["spec"]?["externalIPs"] as JsonArray) ?? [])
        {
            if (IPAddress.TryParse((string?)external, out var address))
            {
                yield return address;
            }
        }

        foreach (var ingress in (service["status"]?["loadBalancer"]?["ingress"] as JsonArray) ?? [])
        {
            if (IPAddress.TryParse((string?)ingress?["ip"], out var address))
            {
                yield return address;
            }
        }
    }
}
