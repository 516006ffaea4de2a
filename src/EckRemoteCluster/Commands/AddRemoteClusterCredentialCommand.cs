using System.Management.Automation;
using EckRemoteCluster.Completion;
using System.Security;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Writes a remote cluster's API-key credential into the keystore of every node of the local cluster, all or none,
/// then (given a connection) makes the running nodes reload it. Given the CrossClusterApiKey itself, once the remote
/// is verified connected with it, the keys this module made earlier for the same alias are revoked: a re-run replaces
/// the key without a moment when the nodes hold no working credential, and leaves one active key per alias.
/// </summary>
[Cmdlet(VerbsCommon.Add, "RemoteClusterCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RemoteClusterCredentialResult))]
public sealed class AddRemoteClusterCredentialCommand : NodeFilesCmdlet
{
    // One parameter set on purpose: a piped CrossClusterApiKey binds InputObject by value and ApiKey and Alias by
    // property name at once; an object that only has EncodedKey and Alias binds those two. Which one must be present
    // is checked in ProcessRecord.

    /// <summary>The remote cluster's alias (default: the Alias of the piped key); the setting is cluster.remote.&lt;alias&gt;.credentials.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string? Alias { get; set; }

    /// <summary>The encoded cross-cluster API key (a CrossClusterApiKey given here is used for its EncodedKey only).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("EncodedKey")]
    [ApiKeyTransformation]
    [AllowNull]
    public SecureString? ApiKey { get; set; }

    /// <summary>The key from New-CrossClusterApiKey: its EncodedKey is written, and once the remote is connected with
    /// it, the module's earlier keys for the alias are revoked.</summary>
    [Parameter(ValueFromPipeline = true)]
    public CrossClusterApiKey? InputObject { get; set; }

    // The alias this record resolved to (-Alias or the key's); kept apart so no bound parameter is overwritten.
    private string _alias = string.Empty;

    /// <summary>
    /// The local cluster: when given, its nodes reload their secure settings so the credential takes effect without
    /// a restart (Elasticsearch 8.13 and later).
    /// </summary>
    [Parameter]
    public ElasticsearchConnection? Connection { get; set; }

    private protected override void ProcessNodes(NodeSelection selection)
    {
        var secret = ApiKey ?? InputObject?.EncodedKey ?? throw new EckRemoteClusterException(
            InputObject is null ? ErrorIds.ApiKeyRequired : ErrorIds.EncodedKeyUnavailable,
            EckErrorCategory.InvalidArgument,
            InputObject is null
                ? "No API key was given."
                : $"The API key '{InputObject.Name}' ({InputObject.Id}) carries no encoded value: Elasticsearch returns it only when the key is created.",
            InputObject is null
                ? "Pipe the output of New-CrossClusterApiKey into this cmdlet, or give -ApiKey as a SecureString."
                : "Pipe the output of New-CrossClusterApiKey straight into this cmdlet, or create a new key.",
            InputObject);
        var alias = string.IsNullOrEmpty(Alias) ? InputObject?.Alias : Alias;
        if (string.IsNullOrEmpty(alias))
        {
            throw new EckRemoteClusterException(
                ErrorIds.AliasRequired,
                EckErrorCategory.InvalidArgument,
                "No alias was given, and the key was not created for one.",
                "Give -Alias, the name the local cluster registers the remote under (or create the key with New-CrossClusterApiKey -Alias).",
                InputObject);
        }

        _alias = alias;
        Engine.Rules.ValidateRemoteClusterAlias(_alias);
        Engine.Rules.ValidateEncodedApiKey(secret);
        // A node we cannot reach would be left without the credential: an unresolved path stops the cmdlet here.
        var directories = selection.Resolve(this);

        if (Connection is not null)
        {
            // Checked before any keystore is touched: the credential would be useless on an older cluster.
            Engine.CredentialRollout.EnsureApiKeyModelSupported(Connection);
        }

        var setting = RemoteClusterNames.CredentialsSetting(_alias);
        IReadOnlyList<KeystoreSaveResult> saved;
        using (var batch = Engine.NodeConfig.OpenKeystores(directories, KeystorePassword))
        {
            WriteRecovered(batch.Recovered);
            var plans = batch.SetEntry(setting, secret);
            var changes = plans.Where(p => p.Change != KeystoreChange.Unchanged).ToList();
            if (changes.Count == 0)
            {
                WriteVerbose($"Every keystore already holds this credential as {setting}; nothing to write.");
                saved = plans.Select(p => new KeystoreSaveResult(p.ConfigPath, p.KeystorePath, p.Change, null, p.PasswordProtected, p.Node)).ToList();
            }
            else if (ShouldProcess(string.Join(", ", changes.Select(c => $"{c.KeystorePath} ({c.Change})")), $"Set {setting}"))
            {
                saved = batch.Save($"Set {setting}");
            }
            else
            {
                return;
            }
        }

        // One CredentialNode per saved keystore, in order: through sessions two hosts may both keep theirs in
        // /etc/elasticsearch, so nodes are matched by position, never by path.
        var nodes = saved.Select(node => new CredentialNode(NodeNames.TryRead(node.ConfigPath, node.Node), node.PasswordProtected)).ToList();
        var reloads = Reload(saved, nodes);
        for (var i = 0; i < saved.Count; i++)
        {
            var node = saved[i];
            var reload = reloads?[i];
            WriteObject(new RemoteClusterCredentialResult(node.ConfigPath, node.KeystorePath, _alias, node.Change, node.BackupPath,
                reload?.Reload ?? SecureSettingsReload.NotRequested, nodes[i].NodeName, reload?.Failure) { Node = node.Node });
        }

        if (reloads is not null && reloads.All(r => r.Failure is null) && InputObject is not null)
        {
            RevokeSupersededKeys();
        }

        foreach (var failed in reloads?.Where(r => r.Failure is not null) ?? [])
        {
            WriteError(ErrorRecords.Create(
                new InvalidOperationException($"Node '{failed.Node.NodeName}' could not reload its secure settings: {failed.Failure}"),
                ErrorIds.SecureSettingsReloadFailed,
                ErrorCategory.InvalidOperation,
                failed.Node.NodeName,
                failed.Failure?.Contains("password", StringComparison.OrdinalIgnoreCase) == true
                    ? "Give -KeystorePassword: the node's keystore is password protected, and the reload needs the same password on every node."
                    : "Restart the node so it reads its keystore, or fix the cause named in the message and run this again."));
        }
    }

    private IReadOnlyList<CredentialReload>? Reload(IReadOnlyList<KeystoreSaveResult> nodes, IReadOnlyList<CredentialNode> targets)
    {
        try
        {
            return ReloadCore(targets);
        }
        catch (Exception) when (CancellationToken.IsCancellationRequested)
        {
            // Stopped (Ctrl+C): the pipeline takes no more records, but the host still shows a line. Say what is on
            // disk and what is left, so the nodes are not left holding a credential nobody knows is there.
            Host.UI.WriteWarningLine(InterruptedReloadMessage(nodes));
            throw new PipelineStoppedException();
        }
    }

    internal string InterruptedReloadMessage(IReadOnlyList<KeystoreSaveResult> nodes)
    {
        var written = nodes.Where(n => n.Change != KeystoreChange.Unchanged).Select(n => n.KeystorePath).ToList();
        return $"Stopped during the reload of secure settings on '{Connection!.ClusterName}'. "
            + (written.Count > 0
                ? $"Written: {RemoteClusterNames.CredentialsSetting(_alias)} in {string.Join(", ", written)} (previous keystores kept as .bak). "
                : $"No keystore needed a change; every node already holds {RemoteClusterNames.CredentialsSetting(_alias)}. ")
            + "Remaining: the running nodes may not have reloaded it yet. To finish, run Add-RemoteClusterCredential again with the same "
            + "-ConfigPath and -Connection (the keystores are up to date, so it only reloads), or restart the nodes.";
    }

    private IReadOnlyList<CredentialReload>? ReloadCore(IReadOnlyList<CredentialNode> targets)
    {
        if (Connection is null)
        {
            WriteVerbose("No -Connection: the nodes read the new credential at their next start.");
            return null;
        }

        if (!ShouldProcess(Connection.ClusterName, "Reload secure settings (POST /_nodes/reload_secure_settings)"))
        {
            return null;
        }

        var local = Connection;
        // WaitAsync: Ctrl+C ends the wait at once, even while the transport still waits for the node's answer.
        return RunWithReporting((reporter, token) => Engine.CredentialRollout.ReloadAsync(local, targets, KeystorePassword, reporter, token).WaitAsync(token));
    }

    /// <summary>
    /// Revokes the module's earlier keys for this alias, but only once the remote is connected with the new one:
    /// until then the old key is what keeps the connection working.
    /// </summary>
    private void RevokeSupersededKeys()
    {
        var local = Connection!;
        var current = InputObject!;
        var superseded = RunWithReporting((reporter, token) => Engine.CredentialRollout.FindSupersededKeysAsync(local, _alias, current, reporter, token));
        foreach (var key in superseded)
        {
            var origin = current.Connection!;
            if (ShouldProcess($"{key.Name} ({key.Id}) on {origin.ClusterName}", "Revoke the superseded cross-cluster API key"))
            {
                RunWithReporting((reporter, token) => Engine.CrossClusterApiKeys.InvalidateAsync(origin, key.Id, reporter, token));
                WriteVerbose($"Revoked the superseded key {key.Name} ({key.Id}): '{_alias}' is connected with {current.Id}.");
            }
        }
    }
}
