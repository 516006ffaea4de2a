using System.Management.Automation;
using System.Security;
using EckRemoteCluster.Engine;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Writes a remote cluster's API-key credential into the keystore of every node of the local cluster, all or none,
/// then (given a connection) makes the running nodes reload it.
/// </summary>
[Cmdlet(VerbsCommon.Add, "RemoteClusterCredential", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RemoteClusterCredentialResult))]
public sealed class AddRemoteClusterCredentialCommand : EckCmdlet
{
    /// <summary>The remote cluster's alias; the keystore setting is cluster.remote.&lt;alias&gt;.credentials.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Alias { get; set; } = string.Empty;

    /// <summary>The encoded cross-cluster API key, or the CrossClusterApiKey that carries it.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EncodedKey")]
    [ApiKeyTransformation]
    public SecureString ApiKey { get; set; } = null!;

    /// <summary>The config directory of every node of the local cluster.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    /// <summary>The keystores' password, when they are password protected.</summary>
    [Parameter]
    public SecureString? KeystorePassword { get; set; }

    /// <summary>
    /// The local cluster: when given, its nodes reload their secure settings so the credential takes effect without
    /// a restart (Elasticsearch 8.13 and later).
    /// </summary>
    [Parameter]
    public ElasticsearchConnection? Connection { get; set; }

    protected override void ProcessRecordCore()
    {
        Engine.Rules.ValidateRemoteClusterAlias(Alias);
        var directories = ProviderPaths.ResolveDirectories(this, ConfigPath).ToList();
        if (directories.Count != ConfigPath.Length)
        {
            // A node we cannot reach would be left without the credential: change none rather than some.
            return;
        }

        var setting = RemoteClusterNames.CredentialsSetting(Alias);
        IReadOnlyList<KeystoreSaveResult> saved;
        using (var batch = Engine.NodeConfig.OpenKeystores(directories, KeystorePassword))
        {
            var plans = batch.SetEntry(setting, ApiKey);
            var changes = plans.Where(p => p.Change != KeystoreChange.Unchanged).ToList();
            if (changes.Count == 0)
            {
                WriteVerbose($"Every keystore already holds this credential as {setting}; nothing to write.");
                saved = plans.Select(p => new KeystoreSaveResult(p.ConfigPath, p.KeystorePath, p.Change, null)).ToList();
            }
            else if (ShouldProcess(string.Join(", ", changes.Select(c => $"{c.KeystorePath} ({c.Change})")), $"Set {setting}"))
            {
                saved = batch.Save();
            }
            else
            {
                return;
            }
        }

        var reloads = Reload();
        foreach (var node in saved)
        {
            var nodeName = TryReadNodeName(node.ConfigPath);
            var reload = reloads is null ? (SecureSettingsReload.NotRequested, (string?)null)
                : reloads.FirstOrDefault(r => r.NodeName == nodeName) is { NodeId: not null } match
                    ? (match.Failure is null ? SecureSettingsReload.Reloaded : SecureSettingsReload.Failed, match.Failure)
                    : (SecureSettingsReload.NotRequested, null);
            WriteObject(new RemoteClusterCredentialResult(node.ConfigPath, node.KeystorePath, Alias, node.Change, node.BackupPath, reload.Item1, nodeName, reload.Item2));
        }

        foreach (var failed in reloads?.Where(r => r.Failure is not null) ?? [])
        {
            WriteError(ErrorRecords.Create(
                new InvalidOperationException($"Node '{failed.NodeName}' could not reload its secure settings: {failed.Failure}"),
                "SecureSettingsReloadFailed",
                ErrorCategory.InvalidOperation,
                failed.NodeName,
                failed.Failure?.Contains("password", StringComparison.OrdinalIgnoreCase) == true
                    ? "Give -KeystorePassword: the node's keystore is password protected, and the reload needs the same password on every node."
                    : "Restart the node so it reads its keystore, or fix the cause named in the message and run this again."));
        }
    }

    private IReadOnlyList<(string NodeId, string NodeName, string? Failure)>? Reload()
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

        var client = Connection.Client;
        return RunWithReporting((_, token) => Engine.RemoteClusters.ReloadSecureSettingsAsync(client, KeystorePassword, token));
    }

    private static string? TryReadNodeName(string configPath)
    {
        try
        {
            return Engine.NodeConfig.Read(configPath).NodeName;
        }
        catch (EckRemoteClusterException)
        {
            return null;
        }
    }
}
