using System.Text.RegularExpressions;

namespace EckRemoteCluster.Engine.Rules;

/// <summary>
/// A remote cluster's <c>server_name</c> (the TLS SNI host name). Elasticsearch rejects a value Java's SNIHostName
/// refuses with "invalid server_name [...]"; empty means none.
/// </summary>
public static partial class ServerName
{
    public static bool IsValid(string? name) => string.IsNullOrEmpty(name) || (name.Length <= 253 && Pattern().IsMatch(name));

    public static void Validate(string? name)
    {
        if (!IsValid(name))
        {
            throw new EckRemoteClusterException(
                ErrorIds.InvalidServerName,
                EckErrorCategory.InvalidArgument,
                $"invalid server_name [{name}]: it must be a DNS host name.",
                "Use the DNS name in the remote cluster's certificate, e.g. '<name>-es-remote-cluster.<namespace>.svc', or leave it empty.",
                name);
        }
    }

    [GeneratedRegex(@"\A[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*\z")]
    private static partial Regex Pattern();
}
