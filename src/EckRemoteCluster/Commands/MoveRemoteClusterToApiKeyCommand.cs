using System.Management.Automation;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Moves a remote cluster registered with the TLS-certificate model (transport port) to the API-key model: the ECK
/// cluster's remote cluster server enabled and published, the local nodes trusting its CA, a cross-cluster key in
/// every node's keystore, then the alias re-registered on port 9443 and verified. Everything that can be prepared
/// while the certificate-model connection keeps working is done first; the connection is down only between the
/// re-registration and the reload of the credential. The trust settings are static: when they change, the command
/// stops with State RestartRequired, and the same command run after the restarts finishes the move.
/// </summary>
[Cmdlet(VerbsCommon.Move, "RemoteClusterToApiKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RemoteClusterMigration))]
public sealed class MoveRemoteClusterToApiKeyCommand : EckClusterNodeFilesCmdlet
{
    /// <summary>The local (self-managed) cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The alias the remote is registered under; it stays the same.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string Alias { get; set; } = string.Empty;

    /// <summary>Index patterns the new key may search; the first is also searched to verify the move.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [Alias("Search")]
    public string[] SearchIndex { get; set; } = [];

    /// <summary>Index patterns the new key may replicate (cross-cluster replication).</summary>
    [Parameter]
    [Alias("Replication")]
    public string[] ReplicationIndex { get; set; } = [];

    /// <summary>The new key's name; remote-&lt;alias&gt; by default.</summary>
    [Parameter]
    [Alias("KeyName")]
    public string? ApiKeyName { get; set; }

    /// <summary>How the remote cluster server is published (when it is not yet).</summary>
    [Parameter]
    public EckServiceType Type { get; set; } = EckServiceType.LoadBalancer;

    /// <summary>How long each wait for ECK (rollout, address) may take; 20 minutes by default.</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How long to wait for the re-registered remote to connect before putting the previous registration back; 60 seconds by default.</summary>
    [Parameter]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Skips the confirmation prompts (enabling the server restarts every ECK node).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private protected override void ProcessNodes(NodeSelection selection)
    {
        Engine.Rules.ValidateRemoteClusterAlias(Alias);
        var directories = selection.Resolve(this);
        // Before anything changes: a credential is useless on a local cluster older than 8.14.
        Engine.CredentialRollout.EnsureApiKeyModelSupported(Connection);

        var client = Connection.Client;
        var remotes = Engine.RemoteClusters;
        var current = RunWithReporting((_, token) => remotes.GetAsync(client, Connection.ClusterName, token)).FirstOrDefault(r => r.Alias == Alias)
            ?? throw new EckRemoteClusterException(
                ErrorIds.RemoteClusterNotFound,
                EckErrorCategory.ObjectNotFound,
                $"No remote cluster '{Alias}' is registered on '{Connection.ClusterName}', so there is nothing to move.",
                "Check the alias with Get-RemoteCluster; to connect a new remote with API keys, follow the API-key workflow (Enable-EckRemoteClusterServer ... Connect-RemoteCluster).",
                Alias);
        if (current.SecurityModel == RemoteClusterSecurityModel.ApiKey)
        {
            var check = RunWithReporting((_, token) => remotes.TestAsync(client, Alias, Connection.Version, new RemoteClusterTestOptions([], Handshake: false), token));
            if (check.Connected)
            {
                WriteVerbose($"'{Alias}' already uses an API key and is connected; nothing to move.");
                WriteObject(new RemoteClusterMigration(Alias, RemoteClusterMigrationState.AlreadyMigrated, current.SecurityModel, current.ProxyAddress, current.ServerName, [], null, null));
                return;
            }
        }

        var cluster = ReadCluster();
        var target = $"Elasticsearch {cluster} (context {cluster.Context ?? "in-cluster"})";
        if (!cluster.RemoteClusterServerEnabled)
        {
            Engine.Eck.EnsureRemoteClusterServerSupported(cluster);
            if (!Step(target, "Enable the remote cluster server (spec.remoteClusterServer.enabled: true); ECK restarts every node, one at a time"))
            {
                return;
            }

            cluster = RunWithReporting((reporter, token) => Engine.Eck.SetRemoteClusterServerAsync(cluster, true, reporter, token));
            cluster = RunWithReporting((reporter, token) => Engine.Eck.WaitForReadyAsync(cluster, Timeout, reporter, token));
        }

        var publish = RunWithReporting((reporter, token) => Engine.Eck.PlanPublishAsync(cluster, new PublishRequest(EckInterface.RemoteClusterServer, Type, RemoteClusterNames.RemoteClusterServerPort, new Dictionary<string, string>(), []), reporter, token));
        if (!publish.ChangesNothing && !Step(target, publish.Description))
        {
            return;
        }

        var endpoint = RunWithReporting((reporter, token) => Engine.Eck.PublishAsync(publish, Timeout, reporter, token));

        var ca = RunWithReporting((reporter, token) => Engine.Eck.GetTransportCaAsync(cluster, reporter, token));
        List<RemoteClusterTrustResult> restart = [];
        using (var trust = Engine.NodeConfig.PlanTrust(directories, ca.Pem, TrustScope.RemoteClusterClient, KeystorePassword))
        {
            WriteRecovered(trust.Recovered);
            var trustChanges = trust.Plan.Where(p => p.CaFileChange != FileChange.Unchanged || p.ChangedSettings.Count > 0).ToList();
            const string trustAction = "Trust the ECK cluster's CA for API-key connections (remote-cluster-ca.crt, elasticsearch.yml)";
            if (trustChanges.Count > 0)
            {
                if (!Step(string.Join(", ", trustChanges.Select(c => c.ConfigPath)), trustAction))
                {
                    return;
                }

                restart = trust.Save(trustAction).Where(r => r.RestartRequired).ToList();
            }
        }

        if (restart.Count > 0)
        {
            WriteWarning($"Restart these nodes one at a time, then run this command again to finish moving '{Alias}': {string.Join(", ", restart.Select(r => r.ComputerName is null ? r.ConfigPath : $"{r.ComputerName}:{r.ConfigPath}"))}. "
                + "The certificate-model connection keeps working meanwhile.");
            WriteObject(new RemoteClusterMigration(Alias, RemoteClusterMigrationState.RestartRequired, current.SecurityModel, current.ProxyAddress, current.ServerName, [.. restart.Select(r => r.ConfigPath)], null, null)
            {
                RestartNodes = [.. restart.Select(r => r.Node).OfType<NodeDirectory>()],
            });
            return;
        }

        var setting = RemoteClusterNames.CredentialsSetting(Alias);
        using var keystores = Engine.NodeConfig.OpenKeystores(directories, KeystorePassword);
        WriteRecovered(keystores.Recovered);
        string? keyId = null;
        var credentials = keystores.CompareEntry(setting);
        if (credentials.All(c => c.Present && c.SameAsFirst))
        {
            WriteVerbose($"Every node already holds {setting}; it is used as it is.");
        }
        else
        {
            var remoteConnection = RunWithReporting((reporter, token) => Engine.Elasticsearch.ConnectToEckAsync(cluster, reporter, token));
            var keys = Engine.CrossClusterApiKeys;
            var body = keys.BuildCreateBody(new CrossClusterApiKeyRequest(
                ApiKeyName ?? $"remote-{Alias}", Alias, new CrossClusterAccessRequest(SearchIndex, ReplicationIndex, null, null, false), null, null));
            if (!Step(remoteConnection.ClusterName, $"Create a cross-cluster API key for '{Alias}' and write it as {setting} into every node's keystore"))
            {
                return;
            }

            var key = RunWithReporting((reporter, token) => keys.CreateAsync(remoteConnection, body, false, reporter, token));
            keyId = key.Id;
            keystores.SetEntry(setting, key.EncodedKey!);

            // Saved, not reloaded: a node uses the credential only after the reload that follows the re-registration,
            // so the certificate-model connection stays up until then.
            keystores.Save($"Set {setting}");
        }

        var registration = new RemoteClusterRegistration(Alias, endpoint.ProxyAddress, endpoint.ServerName, null, null);
        var change = RunWithReporting((_, token) => remotes.PlanRegistrationAsync(client, registration, token));
        if (!change.IsEmpty && !Step(Connection.ClusterName, $"Re-register remote cluster '{Alias}' at {endpoint.ProxyAddress} (API-key model) and reload secure settings"))
        {
            return;
        }

        var nodes = keystores.Planned.Select(p => new CredentialNode(NodeNames.TryRead(p.ConfigPath, p.Node), p.PasswordProtected)).ToList();
        var tested = SwitchOver(change, keyId is not null ? keystores : null, setting, nodes);
        WriteObject(new RemoteClusterMigration(Alias, RemoteClusterMigrationState.Migrated, tested.SecurityModel, tested.Address, tested.ServerName, [], keyId, tested.SearchHits));
    }

    /// <summary>
    /// The only window without a connection: register on 9443, reload the credential, wait until connected and a
    /// search works. On failure the previous registration is put back and a credential written by this run removed,
    /// so the certificate-model connection works again.
    /// </summary>
    private RemoteClusterTestResult SwitchOver(ClusterSettingsChange change, IKeystoreBatch? writtenByThisRun, string setting, IReadOnlyList<CredentialNode> nodes)
    {
        var local = Connection;
        var client = local.Client;
        var remotes = Engine.RemoteClusters;
        var rollout = Engine.CredentialRollout;
        try
        {
            var reloads = RunWithReporting(async (reporter, token) =>
            {
                await remotes.ApplySettingsAsync(client, change, token).ConfigureAwait(false);
                return await rollout.ReloadAsync(local, nodes, KeystorePassword, reporter, token).ConfigureAwait(false);
            });
            if (reloads.FirstOrDefault(r => r.Reload == SecureSettingsReload.Failed) is { } failed)
            {
                // A node that did not reload has no credential for the alias: its searches would fail.
                throw new EckRemoteClusterException(
                    ErrorIds.SecureSettingsReloadFailed,
                    EckErrorCategory.InvalidOperation,
                    $"Node '{failed.Node.NodeName}' could not reload its secure settings: {failed.Failure}",
                    "Give -KeystorePassword when keystores are password protected, or restart the node, then run Move-RemoteClusterToApiKey again.",
                    failed.Node.NodeName);
            }

            RunWithReporting((reporter, token) => remotes.WaitConnectedAsync(client, Alias, Connection.Version, ConnectTimeout, reporter, token));
            var tested = RunWithReporting((_, token) => remotes.TestAsync(client, Alias, Connection.Version, new RemoteClusterTestOptions([], SearchIndex: SearchIndex[0], Handshake: false), token));
            if (!tested.Connected)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.RemoteClusterNotConnected,
                    EckErrorCategory.ConnectionError,
                    $"'{Alias}' connected on the API-key model but the search of {SearchIndex[0]} failed ({tested.Cause}): {tested.Evidence}",
                    tested.RecommendedAction ?? "Run Test-RemoteCluster for a diagnosis.",
                    Alias);
            }

            return tested;
        }
        catch (EckRemoteClusterException failure)
        {
            if (writtenByThisRun is not null)
            {
                writtenByThisRun.RemoveEntry(setting);
                writtenByThisRun.Save($"Remove {setting}");
            }

            RunWithReporting(async (reporter, token) =>
            {
                if (change.Undo is { } undo)
                {
                    await remotes.ApplySettingsAsync(client, undo, token).ConfigureAwait(false);
                }

                await rollout.ReloadAsync(local, nodes, KeystorePassword, reporter, token).ConfigureAwait(false);
                return true;
            });
            throw new EckRemoteClusterException(
                ErrorIds.RemoteClusterMigrationFailed,
                EckErrorCategory.ConnectionError,
                failure.Message + $" The previous registration of '{Alias}' was put back.",
                failure.RecommendedAction,
                Alias,
                failure);
        }
    }

    private bool Step(string target, string action) => ChangeConfirmation.ShouldChange(this, Force, target, action);
}
