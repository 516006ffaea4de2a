using System.Management.Automation;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Rotates the cross-cluster API key a local cluster uses for a remote: the key the nodes hold (found by its id in
/// their keystores) is read on the remote, a new key with the same access is created there, written to every node's
/// keystore and reloaded, and the remote is checked afresh through the alias; only then is the old key revoked. If the
/// check fails, the old key (still valid) goes back on every node and the run fails with CredentialRotationNotVerified.
/// With -ExpiringWithin only a key that expires within that window is rotated; otherwise the result says Unchanged.
/// </summary>
[Cmdlet(VerbsData.Update, "RemoteClusterCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RemoteClusterCredentialRotation))]
public sealed class UpdateRemoteClusterCredentialCommand : NodeFilesCmdlet
{
    /// <summary>The local (self-managed) cluster, from New-ElasticsearchConnection; its nodes reload the new key.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The alias the remote is registered under; the key is cluster.remote.&lt;alias&gt;.credentials.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string Alias { get; set; } = string.Empty;

    /// <summary>A connection to the remote cluster that holds the key (Get-EckCluster | New-ElasticsearchConnection).</summary>
    [Parameter]
    public ElasticsearchConnection? RemoteConnection { get; set; }

    /// <summary>The ECK cluster that holds the key, from Get-EckCluster: connected to as its elastic user, as New-ElasticsearchConnection does.</summary>
    [Parameter(ValueFromPipeline = true)]
    public EckCluster? EckCluster { get; set; }

    /// <summary>
    /// Rotate only a key that expires within this time ('30d', '12h', or a TimeSpan), or that is already invalid;
    /// otherwise change nothing and say Unchanged. Without it the key is always rotated.
    /// </summary>
    [Parameter]
    [ExpirationTransformation]
    [ValidateNotNullOrEmpty]
    public string? ExpiringWithin { get; set; }

    /// <summary>
    /// How long the new key is valid ('90d', '12h', or a TimeSpan). Without it the new key gets the old key's lifetime,
    /// or none when the old key never expired.
    /// </summary>
    [Parameter]
    [ExpirationTransformation]
    [ValidateNotNullOrEmpty]
    public string? Expiration { get; set; }

    /// <summary>An index pattern on the remote to search through the alias with the new key before the old one is revoked.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SearchIndex { get; set; }

    /// <summary>How long the check with the new key may wait for the remote to connect; 60 seconds by default.</summary>
    [Parameter]
    public TimeSpan VerifyTimeout { get; set; } = TimeSpan.FromSeconds(60);

    private protected override void ProcessNodes(NodeSelection nodes)
    {
        Engine.Rules.ValidateRemoteClusterAlias(Alias);
        if (RemoteConnection is null && EckCluster is null)
        {
            throw new EckRemoteClusterException(
                ErrorIds.RemoteConnectionRequired,
                EckErrorCategory.InvalidArgument,
                "The key lives on the remote cluster: give -RemoteConnection, or pipe the ECK cluster in. Nothing was changed.",
                "Add -RemoteConnection (Get-EckCluster ... | New-ElasticsearchConnection), or run Get-EckCluster ... | Update-RemoteClusterCredential.");
        }

        var directories = nodes.Resolve(this);
        var remote = RemoteConnection ?? RunWithReporting((reporter, token) => Engine.Elasticsearch.ConnectToEckAsync(EckCluster!, reporter, token));
        var request = new CredentialRotationRequest(Connection, remote, Alias, directories, KeystorePassword, ExpiringWithin, Expiration, SearchIndex, VerifyTimeout);
        var confirmation = new PipelineConfirmation(this);
        if (RunWithReporting((reporter, token) => Engine.CredentialRotation.RotateAsync(request, confirmation, reporter, token)) is { } result)
        {
            WriteObject(result);
        }
    }
}
