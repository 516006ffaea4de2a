using System.Security;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.RemoteClusters;

internal sealed class CredentialRollout(IRemoteClusterService remotes, ICrossClusterApiKeyService keys) : ICredentialRollout
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);

    public void EnsureApiKeyModelSupported(ElasticsearchConnection local)
    {
        if (!ElasticsearchVersions.AtLeast(local.Version, 8, 14))
        {
            throw new EckRemoteClusterException(
                ErrorIds.ApiKeyModelUnsupportedVersion,
                EckErrorCategory.NotImplemented,
                $"The local cluster '{local.ClusterName}' runs Elasticsearch {local.Version}; the API-key security model needs 8.14 or later (8.10 to 8.13 had it as a beta).",
                "Upgrade the local cluster to 8.14 or later, or connect with the TLS-certificate model (port 9300).",
                local.ClusterName);
        }
    }

    /// <summary>
    /// Elasticsearch opens every addressed node's keystore with the one password a reload request carries, and a
    /// keystore without a password does not open with one: when only some keystores are protected, each group is
    /// addressed by node name in a request of its own. Without every node's name (an unreadable elasticsearch.yml)
    /// one request goes to all nodes.
    /// </summary>
    public async Task<IReadOnlyList<CredentialReload>> ReloadAsync(
        ElasticsearchConnection local,
        IReadOnlyList<CredentialNode> nodes,
        SecureString? keystorePassword,
        IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        var mixed = keystorePassword is not null && nodes.Any(n => n.PasswordProtected) && nodes.Any(n => !n.PasswordProtected);
        IReadOnlyList<(string NodeId, string NodeName, string? Failure)> answers;
        if (!mixed || nodes.Any(n => n.NodeName is null))
        {
            answers = await remotes.ReloadSecureSettingsAsync(local.Client, keystorePassword, null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            reporter.Verbose("Only some keystores are password protected: reloading those nodes with the password and the others without.");
            var protectedNodes = nodes.Where(n => n.PasswordProtected).Select(n => n.NodeName!).ToList();
            var openNodes = nodes.Where(n => !n.PasswordProtected).Select(n => n.NodeName!).ToList();
            answers =
            [
                .. await remotes.ReloadSecureSettingsAsync(local.Client, keystorePassword, protectedNodes, cancellationToken).ConfigureAwait(false),
                .. await remotes.ReloadSecureSettingsAsync(local.Client, null, openNodes, cancellationToken).ConfigureAwait(false),
            ];
        }

        // A node the cluster did not answer for (a name it does not know) was not reloaded, nor failed to.
        return nodes.Select(node =>
            answers.FirstOrDefault(a => a.NodeName == node.NodeName) is { NodeId: not null } answer
                ? new CredentialReload(node, answer.Failure is null ? SecureSettingsReload.Reloaded : SecureSettingsReload.Failed, answer.Failure)
                : new CredentialReload(node, SecureSettingsReload.NotRequested, null)).ToList();
    }

    public async Task<IReadOnlyList<CrossClusterApiKey>> FindSupersededKeysAsync(
        ElasticsearchConnection local,
        string alias,
        CrossClusterApiKey current,
        IOperationReporter reporter,
        CancellationToken cancellationToken)
    {
        if (current.Connection is not { } origin)
        {
            reporter.Verbose("The key was not created in this session; superseded keys for the alias, if any, stay as they are.");
            return [];
        }

        var registered = await remotes.GetAsync(local.Client, local.ClusterName, cancellationToken).ConfigureAwait(false);
        if (registered.All(r => r.Alias != alias))
        {
            reporter.Verbose($"'{alias}' is not registered yet; earlier keys for it are revoked when this runs after Connect-RemoteCluster.");
            return [];
        }

        var superseded = (await keys.GetAsync(origin, null, null, false, reporter, cancellationToken).ConfigureAwait(false))
            .Where(k => k.Alias == alias && !k.Invalidated && k.Id != current.Id)
            .ToList();
        if (superseded.Count > 0)
        {
            await remotes.WaitConnectedAsync(local.Client, alias, local.Version, ConnectTimeout, reporter, cancellationToken).ConfigureAwait(false);
        }

        return superseded;
    }
}
