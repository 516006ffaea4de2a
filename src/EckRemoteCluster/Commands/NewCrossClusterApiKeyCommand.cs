using System.Collections;
using System.Management.Automation;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Creates a cross-cluster API key on the remote (ECK) cluster: the maximum access the local cluster gets through it.
/// The key is checked with Elasticsearch's own rules before anything is sent, and tagged in its metadata.
/// </summary>
[Cmdlet(VerbsCommon.New, "CrossClusterApiKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ConnectionSet)]
[OutputType(typeof(CrossClusterApiKey))]
public sealed class NewCrossClusterApiKeyCommand : ElasticsearchCmdlet
{
    /// <summary>The key's name (1 to 256 characters, not starting with '_').</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = string.Empty;

    /// <summary>The remote cluster alias the local cluster will use for this key (recorded in the key's metadata).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(CrossClusterApiKeyCompleter))]
    public string? Alias { get; set; }

    /// <summary>Index patterns the key may search (cross-cluster search), e.g. 'logs-*'.</summary>
    [Parameter]
    [Alias("Search")]
    public string[] SearchIndex { get; set; } = [];

    /// <summary>Index patterns the key may replicate from (cross-cluster replication).</summary>
    [Parameter]
    [Alias("Replication")]
    public string[] ReplicationIndex { get; set; } = [];

    /// <summary>An Elasticsearch time value (e.g. 1d, 90d) or a TimeSpan after which the key expires; Elasticsearch's `expiration`. Never when left out.</summary>
    [Parameter]
    [ExpirationTransformation]
    public string? Expiration { get; set; }

    /// <summary>Metadata to store with the key (a hashtable); keys may not start with '_'.</summary>
    [Parameter]
    public Hashtable? Metadata { get; set; }

    /// <summary>A query limiting the documents searches may see (hashtable or JSON), e.g. @{ term = @{ category = 'shared' } }.</summary>
    [Parameter]
    public object? Query { get; set; }

    /// <summary>Field level security for searches, e.g. @{ grant = @('*'); except = @('private') }.</summary>
    [Parameter]
    public Hashtable? FieldSecurity { get; set; }

    /// <summary>Lets the patterns match restricted (system) indices.</summary>
    [Parameter]
    public SwitchParameter AllowRestrictedIndices { get; set; }

    /// <summary>Also returns the encoded key as plain text (EncodedKeyPlainText). Avoid: it ends up in variables and transcripts.</summary>
    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    protected override void ProcessRecordCore()
    {
        if (Alias is not null)
        {
            Engine.Rules.ValidateRemoteClusterAlias(Alias);
        }

        var access = new CrossClusterAccessRequest(SearchIndex, ReplicationIndex, JsonValues.ToObject(Query, nameof(Query)), JsonValues.ToObject(FieldSecurity, nameof(FieldSecurity)), AllowRestrictedIndices);
        var body = Engine.CrossClusterApiKeys.BuildCreateBody(new CrossClusterApiKeyRequest(Name, Alias, access, Expiration, JsonValues.ToObject(Metadata, nameof(Metadata))));
        var target = ParameterSetName == EckClusterSet ? $"Elasticsearch {EckCluster}" : $"Elasticsearch cluster '{RemoteConnection.ClusterName}'";
        if (!ShouldProcess(target, $"Create cross-cluster API key '{Name}' with access {body["access"]!.ToJsonString()}"))
        {
            return;
        }

        var connection = ResolveConnection();
        WriteObject(RunWithReporting((reporter, token) => Engine.CrossClusterApiKeys.CreateAsync(connection, body, AsPlainText, reporter, token)));
    }
}
