using System.Collections.Concurrent;
using EckRemoteCluster.Contracts;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>
/// Resolves a <see cref="KubernetesTarget"/> to a client the way kubectl does: an explicit path list or KUBECONFIG
/// (several files, merged in order), else ~/.kube/config, else the pod's service account. Clients are kept per
/// target so a pipeline of cmdlets reuses connections and exec-plugin tokens.
/// </summary>
internal sealed class KubernetesSessions
{
    private readonly ConcurrentDictionary<(string Files, string? Context), Lazy<KubernetesSession>> _sessions = new();
    private readonly ExecCredentials _execCredentials;

    public KubernetesSessions()
        : this(new ExecCredentials())
    {
    }

    /// <summary>Exec-plugin credentials are shared by every session made here, so the plugin runs once per token.</summary>
    internal KubernetesSessions(ExecCredentials execCredentials) => _execCredentials = execCredentials;

    public KubernetesSession Get(KubernetesTarget target)
    {
        // Keyed by the files the target resolves to now, not by the target as given: kubectl reads KUBECONFIG on every
        // run, so a session whose KUBECONFIG changed must get a client for the new files, not the old cluster's.
        var key = (string.Join(Path.PathSeparator, KubeConfigFiles(target.KubeConfig)), target.Context);
        var lazy = _sessions.GetOrAdd(key, _ => new Lazy<KubernetesSession>(() => Create(target)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A broken kubeconfig must not stick: the user fixes the file and runs the cmdlet again in the same session.
            _sessions.TryRemove(key, out _);
            throw;
        }
    }

    private KubernetesSession Create(KubernetesTarget target)
    {
        var files = KubeConfigFiles(target.KubeConfig);
        KubernetesClientConfiguration configuration;
        string? contextName;
        if (files.Count == 0)
        {
            if (!KubernetesClientConfiguration.IsInCluster())
            {
                throw new EckRemoteClusterException(
                    ErrorIds.KubeConfigNotFound,
                    EckErrorCategory.ObjectNotFound,
                    "No kubeconfig was found (KUBECONFIG is not set, ~/.kube/config does not exist) and this is not a pod with a service account.",
                    "Give -KubeConfig, set KUBECONFIG, or create ~/.kube/config (for example with your cloud CLI's get-credentials command).");
            }

            if (target.Context is not null)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.KubeContextNotFound,
                    EckErrorCategory.ObjectNotFound,
                    $"Context '{target.Context}' was asked for, but the only configuration here is the pod's service account (in-cluster).",
                    "Leave out -Context inside a pod, or give -KubeConfig with that context.");
            }

            configuration = KubernetesClientConfiguration.InClusterConfig();
            contextName = null;
        }
        else
        {
            K8SConfiguration merged;
            try
            {
                merged = KubeConfigMerge.Load(files);
            }
            catch (Exception ex) when (ex is KubeConfigException or IOException or YamlDotNet.Core.YamlException)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.KubeConfigInvalid,
                    EckErrorCategory.InvalidData,
                    $"The kubeconfig ({string.Join(Path.PathSeparator, files)}) cannot be read: {ex.Message}",
                    "Check the file with 'kubectl config view'; fix or regenerate it.",
                    inner: ex);
            }

            contextName = target.Context ?? merged.CurrentContext;
            if (string.IsNullOrEmpty(contextName) || merged.Contexts?.Any(c => c.Name == contextName) != true)
            {
                var known = string.Join(", ", merged.Contexts?.Select(c => c.Name) ?? []);
                throw new EckRemoteClusterException(
                    ErrorIds.KubeContextNotFound,
                    EckErrorCategory.ObjectNotFound,
                    string.IsNullOrEmpty(contextName)
                        ? "The kubeconfig has no current context and no -Context was given."
                        : $"Context '{contextName}' is not in the kubeconfig. Contexts: {known}.",
                    "Give -Context with one of the kubeconfig's contexts (tab completion lists them), or set one with 'kubectl config use-context'.",
                    target.Context);
            }

            var exec = TakeExecPlugin(merged, contextName);
            try
            {
                configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, contextName);
            }
            catch (KubeConfigException ex)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.KubeConfigInvalid,
                    EckErrorCategory.InvalidData,
                    $"Context '{contextName}' of the kubeconfig is incomplete: {ex.Message}",
                    "Check the context's cluster and user entries with 'kubectl config view --minify --context " + contextName + "'.",
                    contextName,
                    ex);
            }

            if (exec is { Credential.Token: not null } plugin)
            {
                // Every request asks the shared cache, which runs the plugin again only when the token is about to expire.
                configuration.TokenProvider = _execCredentials.TokenProvider(plugin.Exec, plugin.UserName);
            }
        }

        var client = new k8s.Kubernetes(configuration, new TransientFailureRetryHandler());
        return new KubernetesSession(client, target, contextName, string.IsNullOrEmpty(configuration.Namespace) ? "default" : configuration.Namespace);
    }

    /// <summary>
    /// When the context's user gets its credentials from an exec plugin, runs it through the shared cache (or takes the
    /// cached credential) and puts the result in the user's place, so KubernetesClient never runs the plugin itself.
    /// </summary>
    private (ExternalExecution Exec, string UserName, ExecCredential Credential)? TakeExecPlugin(K8SConfiguration merged, string contextName)
    {
        var userName = merged.Contexts?.FirstOrDefault(c => c.Name == contextName)?.ContextDetails?.User;
        var user = merged.Users?.FirstOrDefault(u => u.Name == userName);
        if (userName is null || user?.UserCredentials?.ExternalExecution is not { } exec)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(exec.Command) || string.IsNullOrWhiteSpace(exec.ApiVersion))
        {
            throw new EckRemoteClusterException(
                ErrorIds.KubeConfigInvalid,
                EckErrorCategory.InvalidData,
                $"The exec entry of kubeconfig user '{userName}' needs both a command and an apiVersion.",
                "Check the user's exec entry with 'kubectl config view --minify --context " + contextName + "'.",
                contextName);
        }

        var credential = _execCredentials.Get(exec, userName);
        user.UserCredentials.ExternalExecution = null;
        user.UserCredentials.Token = credential.Token;
        if (credential.ClientCertificateData is not null && credential.ClientKeyData is not null)
        {
            // The kubeconfig fields are base64 of PEM; a plugin returns the PEM itself.
            user.UserCredentials.ClientCertificateData = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(credential.ClientCertificateData));
            user.UserCredentials.ClientKeyData = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(credential.ClientKeyData));
        }

        return (exec, userName, credential);
    }

    /// <summary>The kubeconfig files to merge, in kubectl's order of precedence; empty when there is none.</summary>
    internal static IReadOnlyList<string> KubeConfigFiles(string? explicitPaths)
    {
        var list = explicitPaths ?? Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(list))
        {
            var files = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

            // kubectl skips KUBECONFIG entries that do not exist; a path the user typed must exist.
            if (explicitPaths is not null && files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.KubeConfigNotFound,
                    EckErrorCategory.ObjectNotFound,
                    $"The kubeconfig file '{missing}' does not exist.",
                    "Give the path of an existing kubeconfig file to -KubeConfig.",
                    missing);
            }

            return files.Where(File.Exists).ToList();
        }

        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return File.Exists(home) ? [home] : [];
    }
}
