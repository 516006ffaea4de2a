namespace EckRemoteCluster.Engine.Rules;

/// <summary>One index entry of a cross-cluster API key's access: its name patterns and whether it restricts documents or fields.</summary>
public sealed record CrossClusterAccessEntry(IReadOnlyList<string> Names, bool HasQuery = false, bool HasFieldSecurity = false);

/// <summary>
/// The checks Elasticsearch applies to POST/PUT /_security/cross_cluster/api_key, with its wording, so a bad request
/// fails here with a precise error instead of a 400 from the remote cluster.
/// </summary>
public static class CrossClusterApiKeyRules
{
    public const int MaxNameLength = 256;

    /// <summary>Name: required, at most 256 characters, no leading/trailing whitespace, not starting with '_'.</summary>
    public static void ValidateName(string? name)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(name))
        {
            failures.Add("api key name is required");
        }
        else
        {
            if (name.Length > MaxNameLength)
            {
                failures.Add($"api key name may not be more than {MaxNameLength} characters long");
            }

            if (name != JavaTrim(name))
            {
                failures.Add("api key name may not begin or end with whitespace");
            }

            if (name.StartsWith('_'))
            {
                failures.Add("api key name may not begin with an underscore");
            }
        }

        if (failures.Count > 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.InvalidApiKeyName,
                EckErrorCategory.InvalidArgument,
                $"API key name [{name}] is not valid: {ValidationFailed(failures)}",
                "Give a name of 1 to 256 characters that does not start with '_' or begin or end with whitespace, "
                + "e.g. 'eck-remote-<local cluster name>'.",
                name);
        }
    }

    /// <summary>
    /// Expiration: a positive Elasticsearch time value (a whole number and one of the units nanos, micros, ms, s, m, h, d),
    /// as TimeValue.parseTimeValue reads it; returned trimmed and lower-cased as Elasticsearch reads it.
    /// </summary>
    public static string ValidateExpiration(string expiration)
    {
        var text = expiration.Trim().ToLowerInvariant();
        var match = System.Text.RegularExpressions.Regex.Match(text, @"^(\d+)\s*(nanos|micros|ms|s|m|h|d)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        if (!match.Success || match.Groups[1].Value.TrimStart('0').Length == 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.InvalidApiKeyExpiration,
                EckErrorCategory.InvalidArgument,
                $"failed to parse [expiration] with value [{expiration}] as a positive time value: a whole number followed by one of nanos, micros, ms, s, m, h, d",
                "Give -Expiration as a time value such as '1d', '90d' or '12h', or as a TimeSpan, e.g. (New-TimeSpan -Days 90).",
                expiration);
        }

        return text;
    }

    /// <summary>Top-level metadata keys starting with '_' are reserved for Elasticsearch.</summary>
    public static void ValidateMetadataKeys(IEnumerable<string>? keys)
    {
        var reserved = keys?.Where(k => k.StartsWith('_')).ToList() ?? [];
        if (reserved.Count > 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.InvalidApiKeyMetadata,
                EckErrorCategory.InvalidArgument,
                $"API key metadata keys may not start with [_]: [{string.Join(", ", reserved)}].",
                "Rename the metadata keys so they do not start with '_'.",
                reserved[0]);
        }
    }

    /// <summary>
    /// Access: at least one search or replication entry; every entry names non-empty index patterns; replication
    /// entries carry no query or field_security.
    /// </summary>
    public static void ValidateAccess(IReadOnlyList<CrossClusterAccessEntry>? search, IReadOnlyList<CrossClusterAccessEntry>? replication)
    {
        search ??= [];
        replication ??= [];
        if (search.Count == 0 && replication.Count == 0)
        {
            throw AccessError(
                "must specify non-empty access for either [search] or [replication]",
                "Grant search access (e.g. -SearchIndex 'logs-*') and/or replication access (e.g. -ReplicationIndex 'archive').",
                null);
        }

        foreach (var (kind, entries) in new[] { ("search", search), ("replication", replication) })
        {
            foreach (var entry in entries)
            {
                var bad = entry.Names is null || entry.Names.Count == 0 ? null : entry.Names.FirstOrDefault(n => string.IsNullOrWhiteSpace(n));
                if (entry.Names is null || entry.Names.Count == 0 || bad is not null)
                {
                    throw AccessError(
                        $"every [{kind}] entry needs non-empty index name patterns, found [{string.Join(", ", entry.Names ?? [])}]",
                        "Give index names or patterns such as 'logs-*' for each access entry.",
                        entry);
                }
            }
        }

        var restricted = replication.FirstOrDefault(e => e.HasQuery || e.HasFieldSecurity);
        if (restricted is not null)
        {
            throw AccessError(
                $"replication does not support document or field level security (entry [{string.Join(", ", restricted.Names)}])",
                "Remove query and field_security from the replication entry; restrict documents or fields under search only.",
                restricted);
        }
    }

    private static EckRemoteClusterException AccessError(string reason, string action, object? target) => new(
        ErrorIds.InvalidApiKeyAccess,
        EckErrorCategory.InvalidArgument,
        $"Cross-cluster API key access is not valid: {reason}.",
        action,
        target);

    /// <summary>Java's String.trim: strips characters up to U+0020, not Unicode whitespace in general.</summary>
    private static string JavaTrim(string value) => value.Trim(Enumerable.Range(0, 0x21).Select(i => (char)i).ToArray());

    private static string ValidationFailed(List<string> failures) =>
        "Validation Failed: " + string.Concat(failures.Select((f, i) => $"{i + 1}: {f};"));
}
