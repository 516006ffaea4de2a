using System.Collections;
using System.Management.Automation;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>Replaces a cross-cluster API key's access, metadata or expiration; what is not given stays as it is.</summary>
[Cmdlet(VerbsData.Update, "CrossClusterApiKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(CrossClusterApiKey))]
public sealed class UpdateCrossClusterApiKeyCommand : CrossClusterApiKeyTargetCmdlet
{
    /// <summary>The new search index patterns (replaces the whole access together with -Replication).</summary>
    [Parameter]
    [Alias("Search")]
    public string[]? SearchIndex { get; set; }

    /// <summary>The new replication index patterns (replaces the whole access together with -Search).</summary>
    [Parameter]
    [Alias("Replication")]
    public string[]? ReplicationIndex { get; set; }

    /// <summary>A query limiting the documents searches may see (with -Search).</summary>
    [Parameter]
    public object? Query { get; set; }

    /// <summary>Field level security for searches (with -Search).</summary>
    [Parameter]
    public Hashtable? FieldSecurity { get; set; }

    /// <summary>The new metadata (replaces the old; the module's own tags are kept).</summary>
    [Parameter]
    public Hashtable? Metadata { get; set; }

    /// <summary>A new expiration, as an Elasticsearch time value from now (e.g. 30d) or a TimeSpan.</summary>
    [Parameter]
    [ExpirationTransformation]
    public string? Expiration { get; set; }

    protected override void ProcessRecordCore()
    {
        var (id, label, connection) = ResolveKey();
        CrossClusterAccessRequest? access = SearchIndex is null && ReplicationIndex is null
            ? null
            : new CrossClusterAccessRequest(SearchIndex ?? [], ReplicationIndex ?? [], JsonValues.ToObject(Query, nameof(Query)), JsonValues.ToObject(FieldSecurity, nameof(FieldSecurity)), false);
        var metadata = JsonValues.ToObject(Metadata, nameof(Metadata));
        if (metadata is not null && ParameterSetName == InputObjectSet)
        {
            // Keep the tags that say who made the key and for which alias.
            foreach (var (key, value) in InputObject.Metadata.Where(m => m.Key is "managed-by" or "remote-cluster-alias" && !metadata.ContainsKey(m.Key)))
            {
                metadata[key] = value?.ToString();
            }
        }

        var body = Engine.CrossClusterApiKeys.BuildUpdateBody(access, metadata, Expiration);
        if (!ShouldProcess($"API key {label} on '{connection.ClusterName}'", $"Update {string.Join(", ", body.Select(p => p.Key))}"))
        {
            return;
        }

        var updated = RunWithReporting((reporter, token) => Engine.CrossClusterApiKeys.UpdateAsync(connection, id, body, reporter, token));
        if (!updated)
        {
            WriteVerbose($"API key {label} already had this access and metadata; Elasticsearch changed nothing.");
        }

        var keys = RunWithReporting((reporter, token) => Engine.CrossClusterApiKeys.GetAsync(connection, id, null, true, reporter, token));
        WriteObject(keys, enumerateCollection: true);
    }
}
