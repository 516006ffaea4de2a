using System.Management.Automation;
using System.Security;

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
        using var batch = Engine.NodeConfig.OpenKeystores(directories, KeystorePassword);
        var plans = batch.SetEntry(setting, ApiKey);
        var changes = plans.Where(p => p.Change != KeystoreChange.Unchanged).ToList();
        if (changes.Count == 0)
        {
            WriteVerbose($"Every keystore already holds this credential as {setting}; nothing to write.");
            foreach (var plan in plans)
            {
                WriteObject(new RemoteClusterCredentialResult(plan.ConfigPath, plan.KeystorePath, Alias, plan.Change, null, SecureSettingsReload.NotNeeded, null, null));
            }

            return;
        }

        var description = string.Join(", ", changes.Select(c => $"{c.Change.ToString().ToLowerInvariant()} in {c.KeystorePath}"));
        if (!ShouldProcess(description, $"Set {setting}"))
        {
            return;
        }

        foreach (var saved in batch.Save())
        {
            WriteObject(new RemoteClusterCredentialResult(saved.ConfigPath, saved.KeystorePath, Alias, saved.Change, saved.BackupPath, SecureSettingsReload.NotRequested, null, null));
        }
    }
}
