using System.Text.RegularExpressions;

namespace EckRemoteCluster.Engine.Rules;

/// <summary>
/// Remote cluster aliases: Elasticsearch registers <c>cluster.remote.&lt;alias&gt;.*</c> through an affix setting whose
/// alias part is <c>[-\w]+</c> (Java's ASCII \w), so anything else is answered with "setting not recognized".
/// </summary>
public static partial class RemoteClusterAlias
{
    public static bool IsValid(string? alias) => alias is not null && Pattern().IsMatch(alias);

    public static void Validate(string? alias)
    {
        if (IsValid(alias))
        {
            return;
        }

        string shown = alias ?? string.Empty;
        throw new EckRemoteClusterException(
            ErrorIds.InvalidRemoteClusterAlias,
            EckErrorCategory.InvalidArgument,
            shown.Length == 0
                ? "The remote cluster alias is empty."
                : $"Remote cluster alias [{shown}] is not valid: Elasticsearch accepts only letters, digits, '_' and '-' "
                  + $"(it would answer: persistent setting [cluster.remote.{shown}.mode], not recognized).",
            "Choose an alias of ASCII letters, digits, '_' and '-' (no dots, colons or spaces), e.g. 'eck-prod'; "
            + "use the same alias for the keystore entry cluster.remote.<alias>.credentials.",
            alias);
    }

    [GeneratedRegex(@"\A[-A-Za-z0-9_]+\z")]
    private static partial Regex Pattern();
}
