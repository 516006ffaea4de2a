using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>
/// Compares what the estate file wants for a link with what is in place, and says per step whether it is created,
/// updated, rotated, removed or left alone. Pure: no I/O, the time is passed in, so every decision is covered by xunit.
/// </summary>
internal static class EstatePlanner
{
    /// <summary>How far a key's lifetime may be from the file's keyExpiration and still count as the same (Elasticsearch stores milliseconds; clocks and rounding differ).</summary>
    public static readonly TimeSpan ExpirationTolerance = TimeSpan.FromMinutes(1);

    public static IReadOnlyList<PlannedStep> PlanLink(EstateLink link, ObservedLink observed, DateTime utcNow) =>
        link.SecurityModel == RemoteClusterSecurityModel.ApiKey ? PlanApiKeyLink(link, observed, utcNow) : PlanCertificateLink(observed);

    /// <summary>A registration on a pruned local cluster that the file does not declare: its settings and credential go.</summary>
    public static IReadOnlyList<PlannedStep> PlanRemoval(string alias, bool credentialOnNodes)
    {
        var steps = new List<PlannedStep> { new(EstateStep.Registration, EstateAction.Remove, $"'{alias}' is registered but not in the file (prune: true)") };
        if (credentialOnNodes)
        {
            steps.Add(new(EstateStep.Credential, EstateAction.Remove, $"{RemoteClusterNames.CredentialsSetting(alias)} is removed from every keystore"));
        }

        return steps;
    }

    private static List<PlannedStep> PlanApiKeyLink(EstateLink link, ObservedLink observed, DateTime utcNow)
    {
        var steps = new List<PlannedStep>
        {
            observed.RemoteClusterServerEnabled
                ? new PlannedStep(EstateStep.RemoteClusterServer, EstateAction.Unchanged, "enabled")
                : new PlannedStep(EstateStep.RemoteClusterServer, EstateAction.Create, "spec.remoteClusterServer.enabled: true (ECK restarts its pods one at a time)"),
            Publish(observed, "the remote cluster server"),
            Trust(observed),
        };

        var (keyAction, keyDetail) = KeyAction(link, observed, utcNow);
        steps.Add(new(EstateStep.ApiKey, keyAction, keyDetail));
        var credential = keyAction switch
        {
            EstateAction.Create when observed.Credential == ObservedCredential.Missing => new PlannedStep(EstateStep.Credential, EstateAction.Create, "the new key goes into every keystore, then a reload"),
            EstateAction.Create => new(EstateStep.Credential, EstateAction.Update, "the new key replaces what the keystores hold, then a reload"),
            EstateAction.Rotate => new(EstateStep.Credential, EstateAction.Rotate, "the new key replaces the old one in every keystore, then a reload; the old key is revoked once the remote connects"),
            _ => new(EstateStep.Credential, EstateAction.Unchanged, "every keystore holds the key"),
        };
        steps.Add(credential);
        steps.Add(Registration(observed));
        steps.AddRange(link.Roles.Select(role => new PlannedStep(EstateStep.Role, RoleAction(observed.Roles.GetValueOrDefault(role.Name, RoleChange.Created)), role.Name, role.Name)));
        return steps;
    }

    private static List<PlannedStep> PlanCertificateLink(ObservedLink observed) =>
    [
        Publish(observed, "the transport interface"),
        observed.EckTrust switch
        {
            ObservedState.AsWanted => new PlannedStep(EstateStep.EckTrust, EstateAction.Unchanged, "the ECK cluster trusts the local transport CA"),
            ObservedState.Absent => new PlannedStep(EstateStep.EckTrust, EstateAction.Create, "the local transport CA goes into a ConfigMap named by spec.transport.tls.certificateAuthorities (a rolling restart)"),
            _ => new PlannedStep(EstateStep.EckTrust, EstateAction.Update, "the local transport CA is added to the ConfigMap (a rolling restart)"),
        },
        Trust(observed),
        Registration(observed),
    ];

    private static (EstateAction, string) KeyAction(EstateLink link, ObservedLink observed, DateTime utcNow)
    {
        if (observed.Credential == ObservedCredential.Missing || observed.Key is null)
        {
            return (EstateAction.Create, "no node holds a credential for the alias: a new cross-cluster key");
        }

        if (observed.Credential == ObservedCredential.Inconsistent)
        {
            return (EstateAction.Create, "the nodes hold different credentials, or only some hold one: a new key for all");
        }

        var key = observed.Key;
        if (!key.Found || key.Invalidated)
        {
            return (EstateAction.Create, key.Found ? $"the nodes' key {key.Id} is revoked: a new key" : $"the nodes' key {key.Id} is not on the ECK cluster: a new key");
        }

        if (key.Expiration is { } expires && expires - utcNow <= link.RotateBefore)
        {
            return (EstateAction.Rotate, $"key {key.Id} expires {expires:u}, within rotateBefore {TimeValues.Format(link.RotateBefore)}");
        }

        if (!SameExpiration(link.KeyExpiration, key))
        {
            var has = key.Expiration is { } e && key.Creation is { } c ? TimeValues.Format(e - c) : "none";
            return (EstateAction.Rotate, $"key {key.Id} has expiration {has}, the file asks for {(link.KeyExpiration is { } want ? TimeValues.Format(want) : "none")}");
        }

        if (!SameSet(key.Search, link.Search) || !SameSet(key.Replication, link.Replication))
        {
            return (EstateAction.Update, $"key {key.Id} gives search [{string.Join(", ", key.Search)}] replication [{string.Join(", ", key.Replication)}]; "
                + $"the file asks for search [{string.Join(", ", link.Search)}] replication [{string.Join(", ", link.Replication)}]");
        }

        return (EstateAction.Unchanged, $"key {key.Id}");
    }

    /// <summary>The key's lifetime (expiration minus creation) is the file's keyExpiration, or both have none.</summary>
    public static bool SameExpiration(TimeSpan? wanted, ObservedKey key)
    {
        if (key.Expiration is null || wanted is null)
        {
            return key.Expiration is null && wanted is null;
        }

        return key.Creation is { } created && (key.Expiration.Value - created - wanted.Value).Duration() <= ExpirationTolerance;
    }

    private static PlannedStep Publish(ObservedLink observed, string what) => observed.Publish switch
    {
        ObservedState.AsWanted => new(EstateStep.Publish, EstateAction.Unchanged, observed.PublishDetail ?? $"{what} is published"),
        ObservedState.Absent => new(EstateStep.Publish, EstateAction.Create, observed.PublishDetail ?? $"a Service exposes {what}"),
        _ => new(EstateStep.Publish, EstateAction.Update, observed.PublishDetail ?? $"the Service that exposes {what} changes"),
    };

    private static PlannedStep Trust(ObservedLink observed) => observed.Trust switch
    {
        ObservedState.AsWanted => new(EstateStep.Trust, EstateAction.Unchanged, "every node trusts the ECK cluster's transport CA"),
        ObservedState.Absent => new(EstateStep.Trust, EstateAction.Create, "the ECK cluster's transport CA and the trust settings go onto every node (static settings: a rolling restart)"),
        _ => new(EstateStep.Trust, EstateAction.Update, "the ECK cluster's transport CA is added to the nodes' CA file (read again without a restart)"),
    };

    private static PlannedStep Registration(ObservedLink observed) => observed.Registration switch
    {
        ObservedState.AsWanted => new(EstateStep.Registration, EstateAction.Unchanged, observed.RegistrationDetail ?? "registered"),
        ObservedState.Absent => new(EstateStep.Registration, EstateAction.Create, observed.RegistrationDetail ?? "cluster.remote.<alias>.* in proxy mode"),
        _ => new(EstateStep.Registration, EstateAction.Update, observed.RegistrationDetail ?? "the registration's settings change"),
    };

    private static EstateAction RoleAction(RoleChange change) => change switch
    {
        RoleChange.Unchanged => EstateAction.Unchanged,
        RoleChange.Created => EstateAction.Create,
        _ => EstateAction.Update,
    };

    private static bool SameSet(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).SequenceEqual(b.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
