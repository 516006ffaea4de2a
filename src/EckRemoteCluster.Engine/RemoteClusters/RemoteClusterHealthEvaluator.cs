using System.Globalization;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Diagnosis;

namespace EckRemoteCluster.Engine.RemoteClusters;

/// <summary>Codes of <see cref="RemoteClusterHealthFinding.Code"/>: the names are the codes reported.</summary>
internal enum HealthFindingCode
{
    NotConnected,
    LocalClusterUnanswered,
    ApiKeyExpiring,
    ApiKeyUnusable,
    RemoteKeyUnreadable,
    CaExpiring,
    CaExpired,
    CredentialMissingOnNodes,
    CredentialDiffersOnNodes,
    TrustDrift,
    NodesUnreadable,
    EckCaUnreadable,
}

/// <summary>
/// Turns the evidence gathered about one alias into its health: the days left, the drifted nodes, and one finding per
/// problem with the cmdlet that fixes it. Pure: the same evidence gives the same health.
/// </summary>
internal static class RemoteClusterHealthEvaluator
{
    private const string Warning = RemoteClusterHealthStatus.Warning;
    private const string Error = RemoteClusterHealthStatus.Error;

    public static RemoteClusterHealth Evaluate(RemoteClusterHealthEvidence e, HealthThresholds thresholds)
    {
        var findings = new List<RemoteClusterHealthFinding>();
        var alias = e.Alias;
        var test = e.Test;
        if (e.TestFailure is { } failure)
        {
            findings.Add(new(nameof(HealthFindingCode.LocalClusterUnanswered), Error, failure.Message, "Test-RemoteCluster", failure.Action));
        }
        else if (test is { Connected: false })
        {
            findings.Add(new(nameof(HealthFindingCode.NotConnected), Error, $"{test.Cause}: {test.Evidence}", FixFor(test.Cause),
                test.RecommendedAction ?? $"Run Test-RemoteCluster -Alias {alias} | Format-List for the diagnosis."));
        }

        var (credentialDrift, keyId, apiKeyModel) = Credentials(e, findings);
        var (keyExpiration, keyDays) = RemoteKey(e, keyId, thresholds, findings);
        var (caExpiration, caDays) = CaExpiry(e, thresholds, findings);
        var trustDrift = Trust(e, apiKeyModel, findings);
        if (e.NodesFailure is { } nodes)
        {
            findings.Add(new(nameof(HealthFindingCode.NodesUnreadable), Warning, nodes, "Get-ElasticsearchNodeConfig",
                "Check that every -ConfigPath or -Session reaches a node's config directory and that no other run holds it, then check again."));
        }

        if (e.EckFailure is { } eck)
        {
            findings.Add(new(nameof(HealthFindingCode.EckCaUnreadable), Warning, eck, "Get-EckTransportCa",
                $"Check that Get-EckCluster {e.EckName} | Get-EckTransportCa works from here; without it trust drift is judged between the nodes only."));
        }

        var securityModel = test?.SecurityModel?.ToString() ?? (apiKeyModel ? nameof(RemoteClusterSecurityModel.ApiKey) : null);
        return new RemoteClusterHealth(alias, test?.Connected ?? false, securityModel, keyId, keyExpiration, keyDays, caExpiration, caDays,
            credentialDrift, trustDrift, [.. findings], e.Now);
    }

    /// <summary>The cmdlet that fixes a diagnosed cause (see the diagnosis table in the README).</summary>
    internal static string FixFor(string? cause) => !Enum.TryParse<RemoteConnectionCause>(cause, out var code) ? "Test-RemoteCluster" : code switch
    {
        RemoteConnectionCause.RemoteCaNotTrusted => "Add-RemoteClusterTrust",
        RemoteConnectionCause.LocalCaNotTrustedByRemote => "Add-EckTransportTrust",
        RemoteConnectionCause.CredentialMissing or RemoteConnectionCause.ApiKeyInvalid or RemoteConnectionCause.RestApiKeyUsed
            or RemoteConnectionCause.CredentialDiffersBetweenNodes or RemoteConnectionCause.ReloadUnauthorized => "Add-RemoteClusterCredential",
        RemoteConnectionCause.RemoteClusterServerDisabled => "Enable-EckRemoteClusterServer",
        RemoteConnectionCause.UnauthorizedIndices => "Set-RemoteClusterRole",
        RemoteConnectionCause.ServerNameMismatch or RemoteConnectionCause.ApiKeyWrongPort or RemoteConnectionCause.AliasNotRegistered
            or RemoteConnectionCause.ProxyUnreachable or RemoteConnectionCause.RemoteUnreachable or RemoteConnectionCause.SniffModeAgainstEck
            or RemoteConnectionCause.PointedAtHttpPort or RemoteConnectionCause.TlsTerminatedInBetween
            or RemoteConnectionCause.LoadBalancerMixesClusters => "Connect-RemoteCluster",
        _ => "Test-RemoteCluster",
    };

    /// <summary>Whole days from now until <paramref name="until"/>, rounded down (negative once past).</summary>
    internal static int DaysLeft(DateTime until, DateTime now) => (int)Math.Floor((until - now).TotalDays);

    private static (string[]? Drift, string? KeyId, bool ApiKeyModel) Credentials(RemoteClusterHealthEvidence e, List<RemoteClusterHealthFinding> findings)
    {
        var apiKeyModel = e.Test?.SecurityModel == RemoteClusterSecurityModel.ApiKey;
        if (e.Keystores is not { } keystores)
        {
            return (null, null, apiKeyModel);
        }

        var present = keystores.Where(k => k.Present).ToList();
        apiKeyModel |= present.Count > 0;
        if (!apiKeyModel)
        {
            // The certificate model: no node is meant to hold a credential.
            return (Array.Empty<string>(), null, false);
        }

        // The key most nodes hold is the alias's key; a tie goes to the first node's.
        var keyId = present.GroupBy(k => k.KeyId).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        var setting = RemoteClusterNames.CredentialsSetting(e.Alias);
        var missing = keystores.Where(k => !k.Present).Select(k => k.Node).ToList();
        var differing = present.Where(k => k.KeyId != keyId).ToList();
        if (missing.Count > 0)
        {
            findings.Add(new(nameof(HealthFindingCode.CredentialMissingOnNodes), Error,
                $"The keystores of {string.Join(", ", missing)} hold no {setting}" + (present.Count > 0 ? $"; {string.Join(", ", present.Select(k => k.Node))} hold key {keyId}." : "."),
                "Add-RemoteClusterCredential",
                $"Write the alias's key to every node: New-CrossClusterApiKey -Alias {e.Alias} ... | Add-RemoteClusterCredential -Alias {e.Alias} -ConfigPath <every node> -Connection <local> (or Update-RemoteClusterCredential to replace the key everywhere)."));
        }

        if (differing.Count > 0)
        {
            findings.Add(new(nameof(HealthFindingCode.CredentialDiffersOnNodes), Warning,
                $"{string.Join(", ", differing.Select(k => $"{k.Node} holds {(k.KeyId is null ? "a value that is not an API key" : "key " + k.KeyId)}"))} where the other nodes hold key {keyId} as {setting}.",
                "Add-RemoteClusterCredential",
                $"Write one key to every node: New-CrossClusterApiKey -Alias {e.Alias} ... | Add-RemoteClusterCredential -Alias {e.Alias} -ConfigPath <every node> -Connection <local>."));
        }

        return (keystores.Where(k => !k.Present || k.KeyId != keyId).Select(k => k.Node).ToArray(), keyId, true);
    }

    private static (DateTime? Expiration, int? Days) RemoteKey(RemoteClusterHealthEvidence e, string? keyId, HealthThresholds thresholds, List<RemoteClusterHealthFinding> findings)
    {
        if (e.RemoteKey is not { } key)
        {
            return (null, null);
        }

        var expiration = key.Expiration?.UtcDateTime;
        var days = expiration is { } at ? DaysLeft(at, e.Now) : (int?)null;
        switch (key.State)
        {
            case RemoteKeyState.Unreadable:
                findings.Add(new(nameof(HealthFindingCode.RemoteKeyUnreadable), Warning, $"API key {key.Id} {key.Detail}", "Get-CrossClusterApiKey",
                    $"Check that Get-CrossClusterApiKey -Id {key.Id} -RemoteConnection <remote> answers; the key's expiry is not known until it does."));
                return (null, null);
            case RemoteKeyState.Active:
                if (days is { } left && left <= thresholds.WarningDays)
                {
                    findings.Add(new(nameof(HealthFindingCode.ApiKeyExpiring), left <= thresholds.ErrorDays ? Error : Warning,
                        $"On the remote, API key {key.Id} expires at {expiration:u}, in {left} day(s) (warning at {thresholds.WarningDays}, error at {thresholds.ErrorDays}).",
                        "Update-RemoteClusterCredential",
                        $"Update-RemoteClusterCredential -Connection <local> -Alias {e.Alias} -RemoteConnection <remote> -ConfigPath <every node>: a new key with the same access on every node, then the old one revoked."));
                }

                return (expiration, days);
            default:
                findings.Add(new(nameof(HealthFindingCode.ApiKeyUnusable), Error, $"On the remote, API key {key.Id} {key.Detail}.", "Add-RemoteClusterCredential",
                    $"Create a new cross-cluster key and write it to every node: New-CrossClusterApiKey -Alias {e.Alias} ... | Add-RemoteClusterCredential -Alias {e.Alias} -ConfigPath <every node> -Connection <local>."));
                return (expiration, days);
        }
    }

    private static (DateTime? Expiration, int? Days) CaExpiry(RemoteClusterHealthEvidence e, HealthThresholds thresholds, List<RemoteClusterHealthFinding> findings)
    {
        var all = AliasCas(e).Concat(e.Served ?? []).ToList();
        if (all.Count == 0)
        {
            return (null, null);
        }

        var earliest = all.MinBy(c => c.NotAfter)!;
        var days = DaysLeft(earliest.NotAfter, e.Now);
        if (days <= thresholds.WarningDays || earliest.NotAfter <= e.Now)
        {
            var where = string.Join(", ", all.Where(c => c.Thumbprint == earliest.Thumbprint).Select(c => c.Source).Distinct());
            var expired = earliest.NotAfter <= e.Now;
            findings.Add(new(expired ? nameof(HealthFindingCode.CaExpired) : nameof(HealthFindingCode.CaExpiring), expired || days <= thresholds.ErrorDays ? Error : Warning,
                $"CA [{earliest.Subject}] (SHA-256 {earliest.Thumbprint}), in {where}, " + (expired ? $"expired at {earliest.NotAfter:u}." : $"expires at {earliest.NotAfter:u}, in {days} day(s)."),
                "Sync-RemoteClusterTrust",
                $"ECK renews its CA before it expires; once it has, run Get-EckCluster{(e.EckName is null ? " ..." : $" -Namespace {e.EckName.Split('/')[0]} -Name {e.EckName.Split('/')[^1]}")} | Sync-RemoteClusterTrust -Connection <local> -Alias {e.Alias} -ConfigPath <every node>, which keeps the old CA beside the new one until every node connects."));
        }

        return (earliest.NotAfter, days);
    }

    /// <summary>
    /// The CAs in the nodes' CA files that this alias depends on. A CA file is often shared by the links to several ECK
    /// clusters (and keeps a superseded CA for a while): only the CAs the remote's served chain leads to count, or,
    /// without a served chain, ECK's current CA; with neither, every CA the nodes trust for the context.
    /// </summary>
    private static IEnumerable<CaCertificate> AliasCas(RemoteClusterHealthEvidence e)
    {
        var trusted = (e.NodeCas ?? []).SelectMany(n => n.Trusted ?? []);
        var wanted = e.ServedAnchors is { Count: > 0 } anchors ? anchors.ToHashSet(StringComparer.Ordinal)
            : e.EckCa is { Count: > 0 } eck ? eck.Select(c => c.Thumbprint).ToHashSet(StringComparer.Ordinal)
            : null;
        return wanted is null ? trusted : trusted.Where(c => wanted.Contains(c.Thumbprint));
    }

    private static string[]? Trust(RemoteClusterHealthEvidence e, bool apiKeyModel, List<RemoteClusterHealthFinding> findings)
    {
        if (e.NodeCas is not { } nodes)
        {
            return null;
        }

        var judged = nodes.Where(n => n.Trusted is not null).ToList();
        var caFile = apiKeyModel || e.Test?.SecurityModel != RemoteClusterSecurityModel.Certificate ? RemoteClusterNames.RemoteClusterCaFile : RemoteClusterNames.TransportCaFile;
        if (e.EckCa is { Count: > 0 } eck)
        {
            var wanted = eck.Select(c => c.Thumbprint).ToHashSet(StringComparer.Ordinal);
            var lacking = judged.Where(n => !wanted.IsSubsetOf(n.Trusted!.Select(c => c.Thumbprint))).ToList();
            var differing = judged.Except(lacking).Where(n => n.ModuleFile is { } file && !wanted.SetEquals(file.Select(c => c.Thumbprint))).ToList();
            var eckCa = $"ECK's current transport CA of {e.EckName} ({string.Join(", ", eck.Select(c => $"[{c.Subject}] {Short(c.Thumbprint)}"))})";
            if (lacking.Count > 0)
            {
                findings.Add(new(nameof(HealthFindingCode.TrustDrift), Error,
                    $"{string.Join("; ", lacking.Select(n => $"{n.Node} trusts {Describe(n.Trusted!)}"))}: not {eckCa}.",
                    "Sync-RemoteClusterTrust",
                    $"Get-EckCluster -Namespace {e.EckName!.Split('/')[0]} -Name {e.EckName.Split('/')[^1]} | Sync-RemoteClusterTrust -Connection <local> -Alias {e.Alias} -ConfigPath <every node> (or Get-EckTransportCa | Add-RemoteClusterTrust)."));
            }

            if (differing.Count > 0)
            {
                findings.Add(new(nameof(HealthFindingCode.TrustDrift), Warning,
                    $"{string.Join("; ", differing.Select(n => $"{n.Node}'s {caFile} holds {Describe(n.ModuleFile!)}"))}, not exactly {eckCa}.",
                    "Add-RemoteClusterTrust",
                    $"Get-EckCluster -Namespace {e.EckName!.Split('/')[0]} -Name {e.EckName.Split('/')[^1]} | Get-EckTransportCa | Add-RemoteClusterTrust -ConfigPath <every node> (the file is re-read; no restart)."));
            }

            return lacking.Concat(differing).Select(n => n.Node).Distinct().ToArray();
        }

        // Without ECK's CA the nodes are compared with each other: the set most of them trust is the reference.
        var sets = judged.Select(n => (Node: n, Key: string.Join(",", n.Trusted!.Select(c => c.Thumbprint).Distinct().Order(StringComparer.Ordinal)))).ToList();
        var reference = sets.GroupBy(s => s.Key).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        var odd = sets.Where(s => s.Key != reference).Select(s => s.Node).ToList();
        if (odd.Count > 0)
        {
            var usual = sets.First(s => s.Key == reference).Node;
            findings.Add(new(nameof(HealthFindingCode.TrustDrift), Warning,
                $"{string.Join("; ", odd.Select(n => $"{n.Node} trusts {Describe(n.Trusted!)}"))}, where {usual.Node} and the other nodes trust {Describe(usual.Trusted!)}.",
                "Add-RemoteClusterTrust",
                "Get-EckCluster ... | Get-EckTransportCa | Add-RemoteClusterTrust -ConfigPath <every node>; give Get-RemoteClusterHealth the ECK cluster to compare with its current CA."));
        }

        return odd.Select(n => n.Node).ToArray();
    }

    private static string Describe(IReadOnlyList<CaCertificate> cas) =>
        cas.Count == 0 ? "no CA" : string.Join(", ", cas.DistinctBy(c => c.Thumbprint).Select(c => $"[{c.Subject}] {Short(c.Thumbprint)}"));

    private static string Short(string thumbprint) => thumbprint.Length > 16 ? thumbprint[..16].ToLower(CultureInfo.InvariantCulture) : thumbprint;

    /// <summary>What changed between two checks of one alias, one line each; empty when nothing that matters did.</summary>
    public static string[] Changes(RemoteClusterHealth? before, RemoteClusterHealth after)
    {
        var changes = new List<string>();
        if (before is null)
        {
            changes.Add($"first check: Connected {after.Connected}, {after.Status}");
            changes.AddRange(after.Findings.Select(f => $"+ {f.Code} ({f.Severity}): {f.Evidence}"));
            return [.. changes];
        }

        if (before.Connected != after.Connected)
        {
            changes.Add($"Connected: {before.Connected} -> {after.Connected}");
        }

        if (before.Status != after.Status)
        {
            changes.Add($"Status: {before.Status} -> {after.Status}");
        }

        // FixedBy tells one diagnosed cause of a NotConnected from another.
        static string Key(RemoteClusterHealthFinding f) => f.Code + "|" + f.Severity + "|" + f.FixedBy;
        var was = before.Findings.Select(Key).ToHashSet(StringComparer.Ordinal);
        var now = after.Findings.Select(Key).ToHashSet(StringComparer.Ordinal);
        changes.AddRange(after.Findings.Where(f => !was.Contains(Key(f))).Select(f => $"+ {f.Code} ({f.Severity}): {f.Evidence}"));
        changes.AddRange(before.Findings.Where(f => !now.Contains(Key(f))).Select(f => $"- {f.Code} ({f.Severity})"));
        AddSetChange(changes, nameof(RemoteClusterHealth.CredentialDrift), before.CredentialDrift, after.CredentialDrift);
        AddSetChange(changes, nameof(RemoteClusterHealth.TrustDrift), before.TrustDrift, after.TrustDrift);
        if (before.ApiKeyId != after.ApiKeyId)
        {
            changes.Add($"ApiKeyId: {before.ApiKeyId ?? "(none)"} -> {after.ApiKeyId ?? "(none)"}");
        }

        return [.. changes];
    }

    private static void AddSetChange(List<string> changes, string name, string[]? before, string[]? after)
    {
        if (!(before ?? []).ToHashSet(StringComparer.Ordinal).SetEquals(after ?? []))
        {
            changes.Add($"{name}: [{string.Join(", ", before ?? [])}] -> [{string.Join(", ", after ?? [])}]");
        }
    }
}
