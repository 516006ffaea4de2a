using System.Diagnostics;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>
/// Applies link plans with the services behind the step cmdlets. Links run in parallel (up to the throttle limit);
/// within a link each step starts as soon as its inputs are ready: the CA, the key and the local nodes do not wait for
/// ECK's rolling restart, the registration waits for the address, the credential and the trust, and only the final
/// connection check waits for the rollout. Every step reads the state again before it changes it, so a run that
/// stopped part-way is finished by the next one.
/// </summary>
internal sealed class EstateExecutor(IEngine engine)
{
    public const string Activity = "Sync-RemoteClusterEstate";

    public async Task<IReadOnlyList<RemoteClusterEstateResult>> ApplyAsync(
        IReadOnlyList<EstateLinkPlan> plans, int throttleLimit, EstateTimings timings, IOperationReporter reporter, CancellationToken token)
    {
        var locals = plans.Select(p => p.Local).Distinct().ToDictionary(t => t, t => new LocalClusterState(t));
        var ecks = plans.Where(p => p.Eck is not null).Select(p => p.Eck!).Distinct().ToDictionary(e => e, e => new EckClusterState(e, engine));
        var done = 0;
        var results = await Throttled.RunAsync(plans, throttleLimit, async (plan, t) =>
        {
            var result = await ApplyLinkAsync(plan, locals[plan.Local], plan.Eck is null ? null : ecks[plan.Eck], timings, reporter, t).ConfigureAwait(false);
            var finished = Interlocked.Increment(ref done);
            reporter.Progress(Activity, $"{finished} of {plans.Count} links applied ({plan.Local.Spec.Name}/{plan.Alias}: {result.State})", 100 * finished / plans.Count);
            return result;
        }, token).ConfigureAwait(false);
        reporter.CompleteProgress(Activity);
        return results;
    }

    private async Task<RemoteClusterEstateResult> ApplyLinkAsync(
        EstateLinkPlan plan, LocalClusterState local, EckClusterState? eck, EstateTimings timings, IOperationReporter reporter, CancellationToken token)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            if (plan.Link is null)
            {
                await RemoveAsync(plan, local, reporter, token).ConfigureAwait(false);
                return Result(plan, EstateLinkState.Removed, false, null, watch, null);
            }

            if (plan.ChangesNothing)
            {
                var registered = await engine.RemoteClusters.GetAsync(local.Connection.Client, local.Connection.ClusterName, token).ConfigureAwait(false);
                var remote = registered.FirstOrDefault(r => r.Alias == plan.Alias);
                return Result(plan, EstateLinkState.Converged, remote?.Connected ?? false, plan.ObservedKeyId, watch, null);
            }

            reporter.Verbose($"{plan.Describe()}");
            return plan.Link.SecurityModel == RemoteClusterSecurityModel.ApiKey
                ? await ApplyApiKeyLinkAsync(plan, plan.Link, local, eck!, timings, reporter, watch, token).ConfigureAwait(false)
                : await ApplyCertificateLinkAsync(plan, plan.Link, local, eck!, timings, reporter, watch, token).ConfigureAwait(false);
        }
        catch (EckRemoteClusterException e)
        {
            reporter.Warning($"{plan.Local.Spec.Name}/{plan.Alias} failed ({e.ErrorId}): {e.Message}");
            return Result(plan, EstateLinkState.Failed, false, null, watch, $"{e.ErrorId}: {e.Message} {e.RecommendedAction} Then run Sync-RemoteClusterEstate again: it continues from what is in place.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One link's unexpected failure must not take the others down with it.
            reporter.Warning($"{plan.Local.Spec.Name}/{plan.Alias} failed ({ErrorIds.EstateLinkFailed}): {e.Message}");
            return Result(plan, EstateLinkState.Failed, false, null, watch, $"{ErrorIds.EstateLinkFailed}: {e.Message} Run Sync-RemoteClusterEstate again: it continues from what is in place.");
        }
    }

    private async Task<RemoteClusterEstateResult> ApplyApiKeyLinkAsync(
        EstateLinkPlan plan, EstateLink link, LocalClusterState local, EckClusterState eck, EstateTimings timings, IOperationReporter reporter, Stopwatch watch, CancellationToken token)
    {
        EstateAction Action(EstateStep step) => plan.Rows.FirstOrDefault(r => r.Step == step)?.Action ?? EstateAction.Unchanged;
        engine.CredentialRollout.EnsureApiKeyModelSupported(local.Connection);

        var enabled = EnableAsync(eck, Action(EstateStep.RemoteClusterServer), reporter, token);
        var endpoint = PublishAsync(eck, enabled, EckInterface.RemoteClusterServer, timings, reporter, token);
        var rolledOut = RolloutAsync(eck, Action(EstateStep.RemoteClusterServer) != EstateAction.Unchanged || Action(EstateStep.Publish) != EstateAction.Unchanged,
            Task.WhenAll(enabled, endpoint), timings, reporter, token);
        var restartPending = TrustAsync(local, eck, TrustScope.RemoteClusterClient, Action(EstateStep.Trust), timings, reporter, token);
        // A key the nodes already use is rotated by Update-RemoteClusterCredential's service (new key verified before
        // the old one is revoked, rolled back otherwise); a link without a working key just gets a new one.
        var rotate = Action(EstateStep.ApiKey) == EstateAction.Rotate;
        var key = rotate ? Task.FromResult<CrossClusterApiKey?>(null) : KeyAsync(plan, link, local, eck, Action(EstateStep.ApiKey), reporter, token);
        var credential = CredentialAsync(local, link.Alias, key, reporter, token);
        var registration = RegisterAsync(local, link, endpoint, Action(EstateStep.Registration), [credential, restartPending], token);
        var rotation = rotate
            ? RotateAsync(link, local, eck, registration, restartPending, timings, reporter, token)
            : Task.FromResult<RemoteClusterCredentialRotation?>(null);
        var roles = RolesAsync(plan, link, local, token);
        await AllSettled(enabled, endpoint, restartPending, key, credential, registration, rotation, roles, rolledOut).ConfigureAwait(false);

        var newKey = await key.ConfigureAwait(false);
        var keyId = (await rotation.ConfigureAwait(false))?.ApiKeyId ?? newKey?.Id ?? plan.ObservedKeyId;
        if (await restartPending.ConfigureAwait(false))
        {
            return Result(plan, EstateLinkState.RestartRequired, false, keyId, watch, null);
        }

        var tested = await engine.RemoteClusters.WaitConnectedAsync(local.Connection.Client, link.Alias, local.Connection.Version, timings.ConnectTimeout, reporter, token).ConfigureAwait(false);
        if (newKey is not null)
        {
            await RevokeSupersededAsync(plan, local, eck, newKey, reporter, token).ConfigureAwait(false);
        }

        return Result(plan, EstateLinkState.Converged, tested.Connected, keyId, watch, null);
    }

    private async Task<RemoteClusterEstateResult> ApplyCertificateLinkAsync(
        EstateLinkPlan plan, EstateLink link, LocalClusterState local, EckClusterState eck, EstateTimings timings, IOperationReporter reporter, Stopwatch watch, CancellationToken token)
    {
        EstateAction Action(EstateStep step) => plan.Rows.FirstOrDefault(r => r.Step == step)?.Action ?? EstateAction.Unchanged;
        var cluster = eck.ClusterAsync(reporter, token);
        var endpoint = PublishAsync(eck, cluster, EckInterface.Transport, timings, reporter, token);
        var eckTrust = EckTrustAsync(local, eck, cluster, Action(EstateStep.EckTrust), reporter, token);
        var rolledOut = RolloutAsync(eck, Action(EstateStep.EckTrust) != EstateAction.Unchanged || Action(EstateStep.Publish) != EstateAction.Unchanged,
            Task.WhenAll(endpoint, eckTrust), timings, reporter, token);
        var restartPending = TrustAsync(local, eck, TrustScope.Transport, Action(EstateStep.Trust), timings, reporter, token);
        var registration = RegisterAsync(local, link, endpoint, Action(EstateStep.Registration), [restartPending], token);
        await AllSettled(cluster, endpoint, eckTrust, rolledOut, restartPending, registration).ConfigureAwait(false);
        if (await restartPending.ConfigureAwait(false))
        {
            return Result(plan, EstateLinkState.RestartRequired, false, null, watch, null);
        }

        var tested = await engine.RemoteClusters.WaitConnectedAsync(local.Connection.Client, link.Alias, local.Connection.Version, timings.ConnectTimeout, reporter, token).ConfigureAwait(false);
        return Result(plan, EstateLinkState.Converged, tested.Connected, null, watch, null);
    }

    /// <summary>spec.remoteClusterServer.enabled, as Enable-EckRemoteClusterServer sets it; returns the cluster as the API server answered.</summary>
    private async Task<EckCluster> EnableAsync(EckClusterState eck, EstateAction action, IOperationReporter reporter, CancellationToken token)
    {
        var cluster = await eck.ClusterAsync(reporter, token).ConfigureAwait(false);
        if (action == EstateAction.Unchanged)
        {
            return cluster;
        }

        await eck.Gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            // Another link to the same ECK cluster may have enabled it meanwhile.
            var now = await engine.Eck.GetClusterAsync(eck.Target, eck.Spec.Namespace, eck.Spec.Cluster, reporter, token).ConfigureAwait(false);
            if (now.RemoteClusterServerEnabled)
            {
                return now;
            }

            engine.Eck.EnsureRemoteClusterServerSupported(now);
            reporter.Verbose($"{eck.Spec.Name}: enabling the remote cluster server of {now} (ECK restarts its pods one at a time).");
            return await engine.Eck.SetRemoteClusterServerAsync(now, true, reporter, token).ConfigureAwait(false);
        }
        finally
        {
            eck.Gate.Release();
        }
    }

    /// <summary>Publish-EckRemoteClusterServer / Publish-EckTransport's plan and apply; an unchanged plan only waits for the address.</summary>
    private async Task<EckRemoteClusterEndpoint> PublishAsync(EckClusterState eck, Task<EckCluster> cluster, EckInterface exposed, EstateTimings timings, IOperationReporter reporter, CancellationToken token)
    {
        var current = await cluster.ConfigureAwait(false);
        await eck.Gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var plan = await engine.Eck.PlanPublishAsync(current, EstateObserver.PublishRequest(eck.Spec, exposed), reporter, token).ConfigureAwait(false);
            return await engine.Eck.PublishAsync(plan, timings.EckTimeout, reporter, token).ConfigureAwait(false);
        }
        finally
        {
            eck.Gate.Release();
        }
    }

    /// <summary>Waits until ECK has rolled out the spec changes made before <paramref name="after"/> (observedGeneration and Ready).</summary>
    private async Task RolloutAsync(EckClusterState eck, bool changed, Task after, EstateTimings timings, IOperationReporter reporter, CancellationToken token)
    {
        await after.ConfigureAwait(false);
        if (!changed)
        {
            return;
        }

        var cluster = await engine.Eck.GetClusterAsync(eck.Target, eck.Spec.Namespace, eck.Spec.Cluster, reporter, token).ConfigureAwait(false);
        await engine.Eck.WaitForReadyAsync(cluster, timings.EckTimeout, reporter, token).ConfigureAwait(false);
    }

    /// <summary>
    /// The ECK cluster's CA added to every local node's CA file (Add-RemoteClusterTrust's batch, all or none). When
    /// static settings changed, the nodes are restarted one at a time when the file says how; returns whether a
    /// restart is still owed.
    /// </summary>
    private async Task<bool> TrustAsync(LocalClusterState local, EckClusterState eck, TrustScope scope, EstateAction action, EstateTimings timings, IOperationReporter reporter, CancellationToken token)
    {
        if (action == EstateAction.Unchanged)
        {
            return false;
        }

        var caPem = await eck.CaPemAsync(reporter, token).ConfigureAwait(false);
        return await local.WithNodesAsync(async () =>
        {
            IReadOnlyList<RemoteClusterTrustResult> saved;
            using (var batch = engine.NodeConfig.PlanTrust(local.Directories, TrustBundle.Merge(TrustBundle.ReadNodeFiles(local.Directories, scope), caPem), scope, local.Target.KeystorePassword))
            {
                foreach (var line in batch.Recovered)
                {
                    reporter.Warning(line);
                }

                if (batch.Plan.All(p => p.CaFileChange == FileChange.Unchanged && p.ChangedSettings.Count == 0))
                {
                    return false;
                }

                saved = batch.Save($"Trust the CA of ECK cluster {eck.Spec.Name}");
            }

            var owed = saved.Select((result, index) => (result, node: local.Target.Nodes[index])).Where(n => n.result.RestartRequired).ToList();
            if (owed.Count == 0)
            {
                return false;
            }

            if (owed.Any(n => n.node.Restart is null))
            {
                reporter.Warning($"{local.Name}: restart these nodes one at a time to apply {string.Join(", ", owed[0].result.ChangedSettings)} (static settings), then run Sync-RemoteClusterEstate again: "
                    + string.Join(", ", owed.Select(n => n.node.Directory.ToString()))
                    + ". Give restartCommand (or reach the nodes with ssh) in the estate file to have them restarted.");
                return true;
            }

            var requests = owed.Select(n => n.node.Restart!).ToList();
            await engine.NodeRestarts.FindNodesAsync(local.Connection.Client, [.. requests.Select(r => r.NodeName).Distinct(StringComparer.Ordinal)], token).ConfigureAwait(false);
            foreach (var request in requests)
            {
                reporter.Verbose($"{local.Name}: rolling restart of {request.NodeName} ({request.Location}) for the trust settings.");
                await engine.NodeRestarts.RestartAsync(local.Connection.Client, request, timings.Restart, reporter, token).ConfigureAwait(false);
            }

            return false;
        }, token).ConfigureAwait(false);
    }

    /// <summary>Add-EckTransportTrust's plan and apply: the local transport CA trusted by the ECK cluster (certificate model).</summary>
    private async Task EckTrustAsync(LocalClusterState local, EckClusterState eck, Task<EckCluster> cluster, EstateAction action, IOperationReporter reporter, CancellationToken token)
    {
        if (action == EstateAction.Unchanged)
        {
            return;
        }

        var localCa = await local.WithNodesAsync(() => engine.NodeConfig.ReadTransportCa(local.Directories[0], local.Target.KeystorePassword), token).ConfigureAwait(false);
        await eck.Gate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var plan = await engine.Eck.PlanTransportTrustAsync(await cluster.ConfigureAwait(false), localCa.Pem, reporter, token).ConfigureAwait(false);
            if (!plan.ChangesNothing)
            {
                await engine.Eck.AddTransportTrustAsync(plan, reporter, token).ConfigureAwait(false);
            }
        }
        finally
        {
            eck.Gate.Release();
        }
    }

    /// <summary>New-/Update-CrossClusterApiKey on the ECK cluster; returns the new key (null when none was made).</summary>
    private async Task<CrossClusterApiKey?> KeyAsync(EstateLinkPlan plan, EstateLink link, LocalClusterState local, EckClusterState eck, EstateAction action, IOperationReporter reporter, CancellationToken token)
    {
        if (action == EstateAction.Unchanged)
        {
            return null;
        }

        var remote = await eck.RemoteAsync(reporter, token).ConfigureAwait(false);
        var keys = engine.CrossClusterApiKeys;
        var access = new CrossClusterAccessRequest([.. link.Search], [.. link.Replication], null, null, false);
        if (action == EstateAction.Update)
        {
            await keys.UpdateAsync(remote, plan.ObservedKeyId!, keys.BuildUpdateBody(access, null, null), reporter, token).ConfigureAwait(false);
            return null;
        }

        var name = $"estate-{local.Name}-{link.Alias}-{DateTime.UtcNow:yyyyMMddHHmmss}";
        var body = keys.BuildCreateBody(new CrossClusterApiKeyRequest(name, link.Alias, access, link.KeyExpiration is { } e ? TimeValues.Format(e) : null, null));
        return await keys.CreateAsync(remote, body, false, reporter, token).ConfigureAwait(false);
    }

    /// <summary>Add-RemoteClusterCredential's batch and CredentialRollout's reload, for a key made by this run.</summary>
    private async Task CredentialAsync(LocalClusterState local, string alias, Task<CrossClusterApiKey?> key, IOperationReporter reporter, CancellationToken token)
    {
        if (await key.ConfigureAwait(false) is not { EncodedKey: { } secret })
        {
            return;
        }

        var setting = RemoteClusterNames.CredentialsSetting(alias);
        await local.WithNodesAsync(async () =>
        {
            IReadOnlyList<CredentialNode> nodes;
            using (var keystores = engine.NodeConfig.OpenKeystores(local.Directories, local.Target.KeystorePassword))
            {
                foreach (var line in keystores.Recovered)
                {
                    reporter.Warning(line);
                }

                keystores.SetEntry(setting, secret);
                keystores.Save($"Set {setting}");
                nodes = keystores.Planned.Select((p, i) => new CredentialNode(local.Target.Nodes[i].NodeName, p.PasswordProtected)).ToList();
            }

            await ReloadAsync(local, nodes, reporter, token).ConfigureAwait(false);
            return true;
        }, token).ConfigureAwait(false);
    }

    private async Task ReloadAsync(LocalClusterState local, IReadOnlyList<CredentialNode> nodes, IOperationReporter reporter, CancellationToken token)
    {
        var reloads = await engine.CredentialRollout.ReloadAsync(local.Connection, nodes, local.Target.KeystorePassword, reporter, token).ConfigureAwait(false);
        if (reloads.FirstOrDefault(r => r.Reload == SecureSettingsReload.Failed) is { } failed)
        {
            throw new EckRemoteClusterException(
                ErrorIds.SecureSettingsReloadFailed,
                EckErrorCategory.InvalidOperation,
                $"Node '{failed.Node.NodeName}' of '{local.Name}' could not reload its secure settings: {failed.Failure}",
                "Give keystorePassword in the estate file when the keystores are password protected, or restart the node.",
                failed.Node.NodeName);
        }
    }

    /// <summary>Connect-RemoteCluster's plan and apply, once the address is known and the nodes hold the credential and trust the CA.</summary>
    private async Task RegisterAsync(LocalClusterState local, EstateLink link, Task<EckRemoteClusterEndpoint> endpoint, EstateAction action, Task[] after, CancellationToken token)
    {
        var address = await endpoint.ConfigureAwait(false);
        foreach (var step in after)
        {
            await step.ConfigureAwait(false);
        }

        if (action == EstateAction.Unchanged)
        {
            return;
        }

        var change = await engine.RemoteClusters.PlanRegistrationAsync(local.Connection.Client, EstateObserver.Registration(link, address), token).ConfigureAwait(false);
        if (!change.IsEmpty)
        {
            await engine.RemoteClusters.ApplySettingsAsync(local.Connection.Client, change, token).ConfigureAwait(false);
        }
    }

    /// <summary>Set-RemoteClusterRole's plan and put, for each role of the link.</summary>
    private async Task RolesAsync(EstateLinkPlan plan, EstateLink link, LocalClusterState local, CancellationToken token)
    {
        foreach (var role in link.Roles.Where(r => plan.Rows.Any(row => row.Step == EstateStep.Role && row.Detail == r.Name && row.Action != EstateAction.Unchanged)))
        {
            var request = EstateObserver.RoleRequest(link, role);
            if (await engine.RemoteClusters.PlanRoleAsync(local.Connection.Client, request, local.Connection.Version, token).ConfigureAwait(false) != RoleChange.Unchanged)
            {
                await engine.RemoteClusters.PutRoleAsync(local.Connection.Client, request, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Update-RemoteClusterCredential's rotation (ICredentialRotation) with the file's access and keyExpiration, once the
    /// registration is in place and the nodes trust the ECK cluster: a new key on every node, reloaded and verified
    /// through the alias, and only then the old key revoked; a failed check puts the old key back
    /// (CredentialRotationNotVerified). The nodes stay this link's alone meanwhile. Null when a restart is still owed.
    /// </summary>
    private async Task<RemoteClusterCredentialRotation?> RotateAsync(
        EstateLink link, LocalClusterState local, EckClusterState eck, Task registration, Task<bool> restartPending, EstateTimings timings, IOperationReporter reporter, CancellationToken token)
    {
        await registration.ConfigureAwait(false);
        if (await restartPending.ConfigureAwait(false))
        {
            return null;
        }

        var remote = await eck.RemoteAsync(reporter, token).ConfigureAwait(false);
        var request = RotationRequest(link, local.Target, remote, timings.ConnectTimeout);
        return await local.WithNodesAsync(
            async () => await engine.CredentialRotation.RotateAsync(request, Confirmed.Instance, reporter, token).ConfigureAwait(false), token).ConfigureAwait(false);
    }

    /// <summary>What the estate asks of the rotation: every node of the local cluster, the file's access and keyExpiration.</summary>
    internal static CredentialRotationRequest RotationRequest(EstateLink link, EstateLocalTarget local, ElasticsearchConnection remote, TimeSpan verifyTimeout) => new(
        local.Connection,
        remote,
        link.Alias,
        [.. local.Nodes.Select(n => n.Directory)],
        local.KeystorePassword,
        ExpiringWithin: null,
        Expiration: null,
        SearchIndex: null,
        verifyTimeout,
        new CredentialReplacement(
            new CrossClusterAccessRequest([.. link.Search], [.. link.Replication], null, null, false),
            link.KeyExpiration is { } lifetime ? TimeValues.Format(lifetime) : null));

    /// <summary>Sync-RemoteClusterEstate asked once for the whole plan (ShouldProcess per link) before applying it.</summary>
    private sealed class Confirmed : IChangeConfirmation
    {
        public static readonly Confirmed Instance = new();

        public Task<bool> ConfirmAsync(string target, string action) => Task.FromResult(true);
    }

    /// <summary>Once the remote is connected with a key made by this run: the module's earlier keys for the alias (CredentialRollout) are revoked.</summary>
    private async Task RevokeSupersededAsync(EstateLinkPlan plan, LocalClusterState local, EckClusterState eck, CrossClusterApiKey newKey, IOperationReporter reporter, CancellationToken token)
    {
        var superseded = (await engine.CredentialRollout.FindSupersededKeysAsync(local.Connection, plan.Alias, newKey, reporter, token).ConfigureAwait(false)).Select(k => k.Id).ToList();
        var remote = await eck.RemoteAsync(reporter, token).ConfigureAwait(false);
        foreach (var id in superseded)
        {
            await engine.CrossClusterApiKeys.InvalidateAsync(remote, id, reporter, token).ConfigureAwait(false);
            reporter.Verbose($"{local.Name}/{plan.Alias}: revoked the superseded key {id}; connected with {newKey.Id}.");
        }
    }

    /// <summary>Disconnect-RemoteCluster -RemoveCredential's work for a registration the file no longer has (prune).</summary>
    private async Task RemoveAsync(EstateLinkPlan plan, LocalClusterState local, IOperationReporter reporter, CancellationToken token)
    {
        var change = await engine.RemoteClusters.PlanRemovalAsync(local.Connection.Client, plan.Alias, token).ConfigureAwait(false);
        if (!change.IsEmpty)
        {
            await engine.RemoteClusters.ApplySettingsAsync(local.Connection.Client, change, token).ConfigureAwait(false);
        }

        if (plan.Rows.Any(r => r.Step == EstateStep.Credential && r.Action == EstateAction.Remove))
        {
            var setting = RemoteClusterNames.CredentialsSetting(plan.Alias);
            await local.WithNodesAsync(async () =>
            {
                IReadOnlyList<CredentialNode> nodes;
                using (var keystores = engine.NodeConfig.OpenKeystores(local.Directories, local.Target.KeystorePassword))
                {
                    keystores.RemoveEntry(setting);
                    keystores.Save($"Remove {setting}");
                    nodes = keystores.Planned.Select((p, i) => new CredentialNode(local.Target.Nodes[i].NodeName, p.PasswordProtected)).ToList();
                }

                await ReloadAsync(local, nodes, reporter, token).ConfigureAwait(false);
                return true;
            }, token).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for every step to end (none is left running behind a failure), then throws the first failure in step order.</summary>
    private static async Task AllSettled(params Task[] steps)
    {
        try
        {
            await Task.WhenAll(steps).ConfigureAwait(false);
        }
        catch (Exception)
        {
            var failure = steps.Where(s => s.IsFaulted).Select(s => s.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException)
                ?? steps.First(s => s.IsFaulted || s.IsCanceled).Exception?.InnerException;
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            throw;
        }
    }

    private static RemoteClusterEstateResult Result(EstateLinkPlan plan, EstateLinkState state, bool connected, string? keyId, Stopwatch watch, string? failure) =>
        new(plan.Local.Spec.Name, plan.Alias, plan.Eck?.Name ?? string.Empty, state, plan.Rows, connected, keyId, watch.Elapsed, failure);
}
