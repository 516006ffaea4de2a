using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace EckRemoteCluster.Engine.Rules;

/// <summary>
/// A remote cluster's <c>proxy_address</c>: <c>host:port</c>, with an IPv6 address in brackets (<c>[2001:db8::1]:9443</c>).
/// Elasticsearch splits at the last ':' and wants a port above 0; requiring brackets for IPv6 avoids the ambiguity of
/// <c>::1:9443</c>.
/// </summary>
public sealed partial record ProxyAddress(string Host, int Port)
{
    public override string ToString() => Format(Host, Port);

    /// <summary>host:port, bracketing an IPv6 address (once).</summary>
    public static string Format(string host, int port) =>
        FormatHost(host) + ":" + port.ToString(CultureInfo.InvariantCulture);

    public static string FormatHost(string host) =>
        host.Contains(':') && !host.StartsWith('[') ? "[" + host + "]" : host;

    public static bool TryParse(string? address, out ProxyAddress? result)
    {
        result = null;
        if (string.IsNullOrEmpty(address) || address.Trim() != address)
        {
            return false;
        }

        string host;
        string port;
        if (address.StartsWith('['))
        {
            int close = address.IndexOf(']');
            if (close < 0 || close + 1 >= address.Length || address[close + 1] != ':')
            {
                return false;
            }

            host = address[1..close];
            port = address[(close + 2)..];
            if (!IPAddress.TryParse(host, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }
        }
        else
        {
            int colon = address.LastIndexOf(':');
            if (colon <= 0 || address.IndexOf(':') != colon)
            {
                return false;
            }

            host = address[..colon];
            port = address[(colon + 1)..];
            if (!HostName().IsMatch(host))
            {
                return false;
            }
        }

        if (!PortDigits().IsMatch(port)
            || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            || number < 1 || number > 65535)
        {
            return false;
        }

        result = new ProxyAddress(host, number);
        return true;
    }

    public static ProxyAddress Parse(string? address) =>
        TryParse(address, out var result) ? result! : throw new EckRemoteClusterException(
            ErrorIds.InvalidProxyAddress,
            EckErrorCategory.InvalidArgument,
            $"Proxy address [{address}] is not valid: remote hosts need to be configured as [host:port] with a port "
            + "from 1 to 65535, and an IPv6 address in brackets.",
            "Give the address of the remote cluster server as host:port, e.g. 'eck.example.com:9443', '10.0.0.5:9443' "
            + "or '[2001:db8::1]:9443'.",
            address);

    [GeneratedRegex(@"\A[A-Za-z0-9_]([A-Za-z0-9_\-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_\-]*[A-Za-z0-9_])?)*\z")]
    private static partial Regex HostName();

    [GeneratedRegex(@"\A[0-9]{1,5}\z")]
    private static partial Regex PortDigits();
}
