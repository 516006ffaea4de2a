using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch.Rest;

/// <summary>
/// The <c>access</c> object of a cross-cluster API key: parsing and validation as CrossClusterApiKeyRoleDescriptorBuilder
/// does it, and the role descriptor Elasticsearch derives from it.
/// </summary>
public static class CrossClusterAccess
{
    private static readonly string[] EntryFields = ["names", "query", "field_security", "allow_restricted_indices"];

    /// <summary>The normalised access (each entry with allow_restricted_indices), or a 400 as Elasticsearch words it.</summary>
    public static JsonObject Parse(JsonNode? node, EsVersion version)
    {
        if (node is not JsonObject access)
        {
            throw ParseFailure("cross_cluster_api_key_request", "access",
                node is null ? "access doesn't support values of type: VALUE_NULL" : "access must be an object");
        }

        var normalised = new JsonObject();
        foreach (var (field, value) in access)
        {
            if (field is not ("search" or "replication"))
            {
                throw EsException.Parse($"[1:1] [cross_cluster_api_key_request_access] unknown field [{field}]");
            }

            var entries = new JsonArray();
            foreach (var entry in value as JsonArray ?? throw ParseFailure("cross_cluster_api_key_request_access", field, $"[{field}] must be an array"))
            {
                entries.Add(ParseEntry(entry, field));
            }

            if (entries.Count > 0)
            {
                normalised[field] = entries;
            }
        }

        return normalised;
    }

    /// <summary>
    /// CrossClusterApiKeyRoleDescriptorBuilder.build(): the checks that run once the access object is parsed, as plain
    /// illegal_argument_exceptions; the create API meets them inside its object parser (which wraps them), update outside it.
    /// </summary>
    public static void Build(JsonObject access, EsVersion version)
    {
        var search = access["search"] as JsonArray ?? [];
        var replication = access["replication"] as JsonArray ?? [];
        if (search.Count == 0 && replication.Count == 0)
        {
            throw EsException.IllegalArgument("must specify non-empty access for either [search] or [replication]");
        }

        // Enforced since GA (8.14); keys created by the 8.10-8.13 beta could combine them (checkForInvalidLegacyRoleDescriptors).
        if (version.AtLeast(8, 14) && search.Count > 0 && replication.Count > 0 && search.Any(UsesDocumentOrFieldLevelSecurity))
        {
            throw EsException.IllegalArgument("search does not support document or field level security if replication is assigned");
        }

        if (replication.Any(UsesDocumentOrFieldLevelSecurity))
        {
            throw EsException.IllegalArgument("replication does not support document or field level security");
        }
    }

    private static bool UsesDocumentOrFieldLevelSecurity(JsonNode? entry) =>
        entry is JsonObject o && (o.ContainsKey("query") || o.ContainsKey("field_security"));

    private static JsonObject ParseEntry(JsonNode? node, string field)
    {
        if (node is not JsonObject entry)
        {
            throw ParseFailure("cross_cluster_api_key_request_access", field, "index privileges entries must be objects");
        }

        foreach (var key in entry.Select(p => p.Key))
        {
            if (!EntryFields.Contains(key))
            {
                throw ParseFailure("cross_cluster_api_key_request_access", field,
                    $"failed to parse indices privileges for role [cross_cluster]. field [{key}] must not present");
            }
        }

        if (entry["names"] is not JsonArray { Count: > 0 } names)
        {
            throw ParseFailure("cross_cluster_api_key_request_access", field,
                "failed to parse indices privileges for role [cross_cluster]. missing required [names] field");
        }

        var normalised = new JsonObject { ["names"] = names.DeepClone() };
        foreach (var optional in new[] { "query", "field_security" })
        {
            if (entry[optional] is { } value)
            {
                normalised[optional] = value.DeepClone();
            }
        }

        normalised["allow_restricted_indices"] = entry["allow_restricted_indices"]?.GetValue<bool>() ?? false;
        return normalised;
    }

    /// <summary>
    /// The "cross_cluster" role descriptor Elasticsearch stores for the key (CrossClusterApiKeyRoleDescriptorBuilder.build):
    /// search grants cross_cluster_search, and from 8.15 monitor_enrich as well (for ES|QL ENRICH across clusters).
    /// </summary>
    public static JsonObject RoleDescriptor(JsonObject access, EsVersion version)
    {
        var cluster = new JsonArray();
        var indices = new JsonArray();
        if (access["search"] is JsonArray search)
        {
            cluster.Add("cross_cluster_search");
            if (version.SearchKeysGrantMonitorEnrich)
            {
                cluster.Add("monitor_enrich");
            }
            foreach (var entry in search)
            {
                var index = new JsonObject
                {
                    ["names"] = entry!["names"]!.DeepClone(),
                    ["privileges"] = new JsonArray("read", "read_cross_cluster", "view_index_metadata"),
                };
                foreach (var optional in new[] { "field_security", "query" })
                {
                    if (entry[optional] is { } value)
                    {
                        index[optional] = value.DeepClone();
                    }
                }

                index["allow_restricted_indices"] = entry["allow_restricted_indices"]!.DeepClone();
                indices.Add(index);
            }
        }

        if (access["replication"] is JsonArray replication)
        {
            cluster.Add("cross_cluster_replication");
            foreach (var entry in replication)
            {
                indices.Add(new JsonObject
                {
                    ["names"] = entry!["names"]!.DeepClone(),
                    ["privileges"] = new JsonArray("cross_cluster_replication", "cross_cluster_replication_internal"),
                    ["allow_restricted_indices"] = entry["allow_restricted_indices"]!.DeepClone(),
                });
            }
        }

        return new JsonObject
        {
            ["cross_cluster"] = new JsonObject
            {
                ["cluster"] = cluster,
                ["indices"] = indices,
                ["applications"] = new JsonArray(),
                ["run_as"] = new JsonArray(),
                ["metadata"] = new JsonObject(),
                ["transient_metadata"] = new JsonObject { ["enabled"] = true },
            },
        };
    }

    /// <summary>An object parser failure: x_content_parse_exception naming the field, caused by what was wrong.</summary>
    private static EsException ParseFailure(string parser, string field, string reason) =>
        new(400, "x_content_parse_exception", $"[1:2] [{parser}] failed to parse field [{field}]", EsException.IllegalArgument(reason));
}
