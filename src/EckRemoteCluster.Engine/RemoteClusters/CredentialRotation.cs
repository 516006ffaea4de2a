using System.Globalization;
using System.Security;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Elasticsearch;
using EckRemoteCluster.Engine.Rules;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>
/// Update-RemoteClusterCredential's rotation. The order is what keeps every node working throughout: the old key
/// stays valid until every node has reloaded the new one and the remote answered a fresh check through the alias; a
/// check that fails puts the old key back (it never stopped being valid) and revokes the unused new one. The keystores
/// stay locked from the first read to the last write, so no other run of the module writes in between.
/// </summary>
internal sealed partial class CredentialRotation(
    INodeConfigService nodeConfig, IRemoteClusterService remotes, ICrossClusterApiKeyService keys, ICredentialRollout rollout) : ICredentialRotation
{
    /// <summary>The name suffix a rotation appends (and replaces on the next rotation): -yyyyMMddHHmmss.</summary>
    private const string StampFormat = "yyyyMMddHHmmss";
    internal const string RotatedFromKey = "rotated-from";

    /// <summary>For tests: the clock.</summary>
    internal Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;

    public async Task<RemoteClusterCredentialRotation?> RotateAsync(
        CredentialRotationRequest request, IChangeConfirmation confirmation, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        // Every argument is checked before anything is read or written.
        var window = request.ExpiringWithin is null ? (TimeSpan?)null : ParseWindow(request.ExpiringWithin);
        var expiration = request.Expiration is null ? null : CrossClusterApiKeyRules.ValidateExpiration(request.Expiration);
        var replacementExpiration = request.Replacement?.Expiration is { } wanted ? CrossClusterApiKeyRules.ValidateExpiration(wanted) : null;
        rollout.EnsureApiKeyModelSupported(request.Local);
        var setting = RemoteClusterNames.CredentialsSetting(request.Alias);

        using var batch = nodeConfig.OpenKeystores(request.Nodes, request.KeystorePassword);
        foreach (var line in batch.Recovered)
        {
            reporter.Warning(line);
        }

        var currentId = CurrentKeyId(batch.ApiKeyIds(setting), request.Alias, setting);
        var current = (await keys.GetAsync(request.Remote, currentId, null, includeInvalidated: true, reporter, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(k => k.Id == currentId)
            ?? throw new EckRemoteClusterException(
                ErrorIds.CrossClusterApiKeyNotFound,
                EckErrorCategory.ObjectNotFound,
                $"The nodes hold key {currentId} for '{request.Alias}', but '{request.Remote.ClusterName}' has no cross-cluster API key with that id. Nothing was changed.",
                "Check that -RemoteConnection (or the piped ECK cluster) is the remote the alias points to; to replace a key the remote no longer has, use New-CrossClusterApiKey | Add-RemoteClusterCredential.",
                currentId);
        var paths = request.Nodes.Select(n => n.ConfigPath).ToList();
        var now = UtcNow();
        if (window is { } within && Due(current, within, now) is { } notDue)
        {
            reporter.Verbose(notDue);
            return new RemoteClusterCredentialRotation(request.Alias, CredentialRotationAction.Unchanged, current.Id, current.Name, current.Expiration,
                current.Id, current.Name, current.Expiration, paths, verified: false, previousKeyRevoked: false, notDue);
        }

        var body = request.Replacement is { } replacement
            ? BuildDecidedReplacementBody(current, request.Alias, replacement with { Expiration = replacementExpiration }, now)
            : BuildReplacementBody(current, request.Alias, expiration, now);
        var reason = window is null
            ? "rotation requested"
            : current.Invalidated ? "the key is invalidated"
            : $"the key expires {current.Expiration:u}, within {request.ExpiringWithin}";
        var target = $"'{request.Alias}' on {string.Join(", ", request.Nodes)}";
        if (!await confirmation.ConfirmAsync(target,
                $"Replace cross-cluster API key {current.Id} ({reason}) with a new key '{(string?)body["name"]}' on '{request.Remote.ClusterName}', reload, verify, then revoke {current.Id}").ConfigureAwait(false))
        {
            return null;
        }

        var activity = $"Rotating the cross-cluster API key of '{request.Alias}'";
        try
        {
            return await ReplaceAsync(request, batch, setting, current, body, reason, paths, activity, reporter, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            reporter.CompleteProgress(activity);
        }
    }

    /// <summary>Create, write, reload, verify, revoke: the steps after the confirmation, with progress.</summary>
    private async Task<RemoteClusterCredentialRotation> ReplaceAsync(
        CredentialRotationRequest request, IKeystoreBatch batch, string setting, CrossClusterApiKey current, JsonObject body, string reason,
        IReadOnlyList<string> paths, string activity, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        using var previous = batch.GetEntry(setting)!;
        reporter.Progress(activity, $"Creating the new key on '{request.Remote.ClusterName}'", 10);
        var created = await keys.CreateAsync(request.Remote, body, asPlainText: false, reporter, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<KeystoreSaveResult> saved;
        try
        {
            batch.SetEntry(setting, created.EncodedKey!);
            saved = batch.Save($"Rotate {setting} from {current.Id} to {created.Id}");
        }
        catch
        {
            // Nothing was written (all or none): the new key is of no use to anyone.
            await RevokeUnusedAsync(request.Remote, created, reporter).ConfigureAwait(false);
            throw;
        }

        reporter.Verbose($"Every keystore holds key {created.Id} for '{request.Alias}'; reloading the nodes' secure settings.");
        reporter.Progress(activity, $"Reloading and checking '{request.Alias}' with key {created.Id}", 40);
        var nodes = saved.Select(s => new CredentialNode(NodeName(s), s.PasswordProtected)).ToList();
        var failure = await VerifyAsync(request, nodes, created.Id, reporter, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            throw await RollBackAsync(request, batch, setting, previous, nodes, current, created, failure, reporter).ConfigureAwait(false);
        }

        reporter.Progress(activity, $"Revoking the previous key {current.Id}", 90);
        var revoked = !current.Invalidated
            && await keys.InvalidateAsync(request.Remote, current.Id, reporter, cancellationToken).ConfigureAwait(false);
        reporter.Verbose($"'{request.Alias}' is connected with key {created.Id}; the previous key {current.Id} is {(revoked ? "revoked" : "already invalid")}.");
        return new RemoteClusterCredentialRotation(request.Alias, CredentialRotationAction.Rotated, current.Id, current.Name, current.Expiration,
            created.Id, created.Name, created.Expiration, paths, verified: true, revoked, reason);
    }

    /// <summary>
    /// The new key's create body: the old key's access exactly as the remote reports it (search and replication
    /// entries with their query, field security and restricted-index flags), its metadata with the module's tags, the
    /// alias and the id it replaces, and its name with a fresh -yyyyMMddHHmmss stamp. Without -Expiration the new key
    /// gets the old key's lifetime (none when the old one never expired).
    /// </summary>
    internal JsonObject BuildReplacementBody(CrossClusterApiKey current, string alias, string? expiration, DateTime now) =>
        BuildBody(current, alias, JsonNode.Parse(current.Access) as JsonObject ?? new JsonObject(), expiration, inheritLifetime: true, now);

    /// <summary>
    /// The new key's create body when the caller decides its access and lifetime (the estate file): the access and
    /// expiration given (none: a key that never expires), the old key's metadata, tags and name stamp as above.
    /// </summary>
    internal JsonObject BuildDecidedReplacementBody(CrossClusterApiKey current, string alias, CredentialReplacement replacement, DateTime now) =>
        BuildBody(current, alias, CrossClusterApiKeyService.Access(replacement.Access), replacement.Expiration, inheritLifetime: false, now);

    private static JsonObject BuildBody(CrossClusterApiKey current, string alias, JsonObject access, string? expiration, bool inheritLifetime, DateTime now)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in current.Metadata)
        {
            metadata[key] = JsonValueOf(value);
        }

        metadata[RotatedFromKey] = current.Id;
        var name = StampSuffix().Replace(current.Name, string.Empty);
        name = $"{name}-{now.ToString(StampFormat, CultureInfo.InvariantCulture)}";
        if (name.Length > 256)
        {
            name = name[^256..].TrimStart('_', ' ');
        }

        if (inheritLifetime && expiration is null && current.Expiration is { } oldEnd && current.Creation is { } oldStart && oldEnd > oldStart)
        {
            expiration = $"{Math.Max(1, (long)(oldEnd - oldStart).TotalMinutes)}m";
        }

        // The same tags New-CrossClusterApiKey puts on the keys it makes, so Get-CrossClusterApiKey -Alias finds this one.
        CrossClusterApiKeyRules.ValidateName(name);
        CrossClusterApiKeyRules.ValidateMetadataKeys(metadata.Select(p => p.Key));
        metadata[CrossClusterApiKeyService.ManagedByKey] = Eck.EckNames.ManagedByValue;
        metadata[CrossClusterApiKeyService.AliasKey] = alias;
        var body = new JsonObject { ["name"] = name, ["access"] = access, ["metadata"] = metadata };
        if (expiration is not null)
        {
            body["expiration"] = CrossClusterApiKeyRules.ValidateExpiration(expiration);
        }

        return body;
    }

    /// <summary>A time value ('30d', '12h') as a TimeSpan; InvalidRotationWindow otherwise.</summary>
    internal static TimeSpan ParseWindow(string value)
    {
        var match = TimeValue().Match(value.Trim().ToLowerInvariant());
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            throw new EckRemoteClusterException(
                ErrorIds.InvalidRotationWindow,
                EckErrorCategory.InvalidArgument,
                $"-ExpiringWithin '{value}' is not a time value: a whole number followed by one of ms, s, m, h, d. Nothing was changed.",
                "Give -ExpiringWithin as '30d' or '12h', or as a TimeSpan, e.g. (New-TimeSpan -Days 30).",
                value);
        }

        return match.Groups[2].Value switch
        {
            "d" => TimeSpan.FromDays(amount),
            "h" => TimeSpan.FromHours(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "s" => TimeSpan.FromSeconds(amount),
            _ => TimeSpan.FromMilliseconds(amount),
        };
    }

    /// <summary>Null when the key is due within the window; otherwise why it is left alone.</summary>
    private static string? Due(CrossClusterApiKey key, TimeSpan window, DateTime now) => key switch
    {
        { Invalidated: true } => null,
        { Expiration: null } => $"Key {key.Id} never expires: nothing to rotate within {Days(window)}.",
        { Expiration: { } at } when at - now <= window => null,
        { Expiration: { } at } => $"Key {key.Id} expires {at:u}, in {(int)(at - now).TotalDays} days: outside the {Days(window)} window, nothing to rotate.",
    };

    private static string Days(TimeSpan window) => window.TotalDays >= 1 && window.Ticks % TimeSpan.TicksPerDay == 0
        ? $"{window.TotalDays:0} days"
        : window.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>The one key id every node holds for the alias; an error when some node has none or the ids differ.</summary>
    private static string CurrentKeyId(IReadOnlyList<(string ConfigPath, string? KeyId)> ids, string alias, string setting)
    {
        var missing = ids.Where(i => i.KeyId is null).Select(i => i.ConfigPath).ToList();
        if (missing.Count > 0)
        {
            throw new EckRemoteClusterException(
                ErrorIds.CredentialNotOnNodes,
                EckErrorCategory.ObjectNotFound,
                $"{string.Join(", ", missing)}: no API key in {setting}, so there is no key for '{alias}' to rotate. Nothing was changed.",
                $"Give every node a key first: New-CrossClusterApiKey -Alias {alias} | Add-RemoteClusterCredential; then Update-RemoteClusterCredential rotates it.",
                missing[0]);
        }

        var distinct = ids.Select(i => i.KeyId!).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 1)
        {
            throw new EckRemoteClusterException(
                ErrorIds.CredentialDiffersBetweenNodes,
                EckErrorCategory.InvalidData,
                $"The nodes hold different keys for '{alias}' ({string.Join("; ", ids.Select(i => $"{i.ConfigPath}: {i.KeyId}"))}), so which one to rotate is unclear. Nothing was changed.",
                "Write one key to every node with New-CrossClusterApiKey | Add-RemoteClusterCredential, then rotate it with Update-RemoteClusterCredential.",
                alias);
        }

        return distinct[0];
    }

    /// <summary>Reload on every node, then a fresh check through the alias (and a search when asked). Null when all is well.</summary>
    private async Task<string?> VerifyAsync(
        CredentialRotationRequest request, IReadOnlyList<CredentialNode> nodes, string newId, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        IReadOnlyList<CredentialReload> reloads;
        try
        {
            reloads = await rollout.ReloadAsync(request.Local, nodes, request.KeystorePassword, reporter, cancellationToken).ConfigureAwait(false);
        }
        catch (EckRemoteClusterException e)
        {
            return $"the reload of secure settings failed: {e.Message}";
        }

        var failed = reloads.Where(r => r.Reload == SecureSettingsReload.Failed).ToList();
        if (failed.Count > 0)
        {
            return string.Join("; ", failed.Select(f => $"node '{f.Node.NodeName}' could not reload its secure settings: {f.Failure}"));
        }

        try
        {
            reporter.Verbose($"Checking '{request.Alias}' afresh with key {newId}.");
            await remotes.WaitConnectedAsync(request.Local.Client, request.Alias, request.Local.Version, request.VerifyTimeout, reporter, cancellationToken).ConfigureAwait(false);
            if (request.SearchIndex is not null)
            {
                var searched = await remotes.TestAsync(request.Local.Client, request.Alias, request.Local.Version, new RemoteClusterTestOptions([], SearchIndex: request.SearchIndex, Handshake: false), cancellationToken).ConfigureAwait(false);
                if (!searched.Connected || searched.SearchHits is null)
                {
                    return $"the search of {request.Alias}:{request.SearchIndex} failed ({searched.Cause}): {searched.Evidence}";
                }
            }

            return null;
        }
        catch (EckRemoteClusterException e)
        {
            return e.Message;
        }
    }

    /// <summary>Puts the old key back on every node and reloads it; returns the error to throw (CredentialRotationNotVerified).</summary>
    private async Task<EckRemoteClusterException> RollBackAsync(
        CredentialRotationRequest request, IKeystoreBatch batch, string setting, SecureString previous, IReadOnlyList<CredentialNode> nodes,
        CrossClusterApiKey current, CrossClusterApiKey created, string failure, IOperationReporter reporter)
    {
        reporter.Warning($"The check with the new key {created.Id} failed ({failure}); putting key {current.Id} back on every node.");
        batch.SetEntry(setting, previous);
        batch.Save($"Roll back {setting} to {current.Id}");
        // Not cancellable: a node left running the new key must not see it revoked.
        bool reloadedAll;
        try
        {
            var reloads = await rollout.ReloadAsync(request.Local, nodes, request.KeystorePassword, reporter, CancellationToken.None).ConfigureAwait(false);
            reloadedAll = reloads.All(r => r.Reload == SecureSettingsReload.Reloaded);
        }
        catch (EckRemoteClusterException e)
        {
            reporter.Warning($"Reloading key {current.Id} after putting it back failed: {e.Message}");
            reloadedAll = false;
        }

        if (reloadedAll)
        {
            await RevokeUnusedAsync(request.Remote, created, reporter).ConfigureAwait(false);
        }

        return new EckRemoteClusterException(
            ErrorIds.CredentialRotationNotVerified,
            EckErrorCategory.ConnectionError,
            $"'{request.Alias}' did not work with the new key {created.Id}: {failure}. Every keystore holds key {current.Id} again, "
                + (reloadedAll
                    ? $"the nodes reloaded it, and the unused key {created.Id} was revoked."
                    : $"but not every node reloaded it, so key {created.Id} was left valid (revoke it with Revoke-CrossClusterApiKey once every node runs {current.Id})."),
            $"Find the cause with Test-RemoteCluster -Alias {request.Alias} -RemoteConnection …, fix it, then run Update-RemoteClusterCredential again.",
            request.Alias);
    }

    private async Task RevokeUnusedAsync(ElasticsearchConnection remote, CrossClusterApiKey key, IOperationReporter reporter)
    {
        try
        {
            await keys.InvalidateAsync(remote, key.Id, reporter, CancellationToken.None).ConfigureAwait(false);
        }
        catch (EckRemoteClusterException e)
        {
            reporter.Warning($"The unused key {key.Id} could not be revoked ({e.Message}); revoke it with Revoke-CrossClusterApiKey -Id {key.Id}.");
        }
    }

    private string? NodeName(KeystoreSaveResult saved)
    {
        try
        {
            return saved.Node is { } node ? nodeConfig.Read(node).NodeName : nodeConfig.Read(saved.ConfigPath).NodeName;
        }
        catch (EckRemoteClusterException)
        {
            return null;
        }
    }

    private static JsonNode? JsonValueOf(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        IReadOnlyDictionary<string, object?> map => new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, JsonValueOf(p.Value)))),
        IDictionary<string, object?> map => new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, JsonValueOf(p.Value)))),
        object?[] items => new JsonArray(items.Select(JsonValueOf).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };

    [GeneratedRegex(@"-\d{14}$")]
    private static partial Regex StampSuffix();

    [GeneratedRegex(@"^(\d+)\s*(ms|s|m|h|d)$", RegexOptions.CultureInvariant)]
    private static partial Regex TimeValue();
}
