using System.Management.Automation;
using EckRemoteCluster.Completion;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Removes a remote cluster from the local cluster (every cluster.remote.&lt;alias&gt;.* setting set to null), and on
/// request its credential from every node's keystore and the module's API keys for it on the remote.
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "RemoteCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RemoteClusterCredentialResult), typeof(CrossClusterApiKey))]
public sealed class DisconnectRemoteClusterCommand : NodeFilesCmdlet
{
    /// <summary>The local cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The remote cluster's alias.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string Alias { get; set; } = string.Empty;

    /// <summary>Also remove cluster.remote.&lt;alias&gt;.credentials from the keystores in -ConfigPath.</summary>
    [Parameter]
    public SwitchParameter RemoveCredential { get; set; }

    /// <summary>Also invalidate, on the remote cluster, the cross-cluster API keys this module made for the alias.</summary>
    [Parameter]
    public SwitchParameter RevokeApiKey { get; set; }

    /// <summary>The remote (ECK) cluster, for -RevokeApiKey: New-ElasticsearchConnection -EckCluster.</summary>
    [Parameter]
    public ElasticsearchConnection? RemoteConnection { get; set; }

    /// <summary>Skips the confirmation prompt.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private protected override void ProcessNodes(NodeSelection selection)
    {
        if (RemoveCredential && selection.IsEmpty)
        {
            ThrowTerminating(new EckRemoteClusterException(
                ErrorIds.ConfigPathRequired,
                EckErrorCategory.InvalidArgument,
                "-RemoveCredential needs -ConfigPath: the config directory of every local node.",
                "Add -ConfigPath with every node's config directory."));
        }

        if (RevokeApiKey && RemoteConnection is null)
        {
            ThrowTerminating(new EckRemoteClusterException(
                ErrorIds.RemoteConnectionRequired,
                EckErrorCategory.InvalidArgument,
                "-RevokeApiKey needs -RemoteConnection: a connection to the remote cluster that holds the keys.",
                "Add -RemoteConnection (Get-EckCluster ... | New-ElasticsearchConnection)."));
        }

        var client = Connection.Client;
        var service = Engine.RemoteClusters;
        var removal = RunWithReporting((_, token) => service.PlanRemovalAsync(client, Alias, token));
        if (removal.IsEmpty)
        {
            WriteVerbose($"No remote cluster '{Alias}' is registered on '{Connection.ClusterName}'.");
        }
        else if (ChangeConfirmation.ShouldChange(this, Force, Connection.ClusterName, $"Remove remote cluster '{Alias}' ({string.Join(", ", removal.Keys)})"))
        {
            RunWithReporting(async (_, token) =>
            {
                await service.ApplySettingsAsync(client, removal, token).ConfigureAwait(false);
                return true;
            });
        }

        if (RemoveCredential)
        {
            RemoveCredentials(selection);
        }

        if (RevokeApiKey)
        {
            RevokeKeys();
        }
    }

    private void RemoveCredentials(NodeSelection selection)
    {
        var directories = selection.Resolve(this);
        using var batch = Engine.NodeConfig.OpenKeystores(directories, KeystorePassword);
        WriteRecovered(batch.Recovered);
        var plans = batch.RemoveEntry(RemoteClusterNames.CredentialsSetting(Alias));
        var changed = plans.Where(p => p.Change != KeystoreChange.Unchanged).ToList();
        if (changed.Count == 0 || !ChangeConfirmation.ShouldChange(this, Force, string.Join(", ", changed.Select(c => c.KeystorePath)), $"Remove {RemoteClusterNames.CredentialsSetting(Alias)}"))
        {
            return;
        }

        foreach (var saved in batch.Save($"Remove {RemoteClusterNames.CredentialsSetting(Alias)}"))
        {
            WriteObject(new RemoteClusterCredentialResult(saved.ConfigPath, saved.KeystorePath, Alias, saved.Change, saved.BackupPath, SecureSettingsReload.NotRequested, null, null) { Node = saved.Node });
        }
    }

    private void RevokeKeys()
    {
        var remote = RemoteConnection!;
        var keys = Engine.CrossClusterApiKeys;
        var owned = RunWithReporting((reporter, token) => keys.GetAsync(remote, null, null, false, reporter, token))
            .Where(k => k.Alias == Alias && !k.Invalidated)
            .ToList();
        foreach (var key in owned)
        {
            if (ChangeConfirmation.ShouldChange(this, Force, $"{key.Name} ({key.Id}) on {remote.ClusterName}", "Invalidate cross-cluster API key"))
            {
                RunWithReporting((reporter, token) => keys.InvalidateAsync(remote, key.Id, reporter, token));
                WriteVerbose($"Invalidated API key {key.Id} ({key.Name}).");
            }
        }
    }
}
