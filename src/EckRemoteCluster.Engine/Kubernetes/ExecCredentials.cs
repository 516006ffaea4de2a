using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EckRemoteCluster.Contracts;
using k8s.Authentication;
using k8s.KubeConfigModels;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>What a kubeconfig exec credential plugin returned (client.authentication.k8s.io ExecCredential status).</summary>
internal sealed record ExecCredential(string? Token, string? ClientCertificateData, string? ClientKeyData, DateTimeOffset? Expires);

/// <summary>
/// Runs kubeconfig exec credential plugins (aws eks get-token, gke-gcloud-auth-plugin, kubelogin) the way kubectl
/// does, once per process for as long as the credential they return is valid. KubernetesClient runs the plugin when it
/// builds a configuration and again on the client's first request, and again for each context name a cmdlet passes
/// along; here every session of the process that uses the same plugin configuration shares one credential, and the
/// plugin runs again only when that credential is about to expire. Failures carry their own ErrorIds:
/// KubeExecPluginNotFound (the command is not there), KubeExecPluginFailed (it exited non-zero or timed out) and
/// KubeExecPluginOutputInvalid (it printed no usable ExecCredential).
/// </summary>
internal sealed class ExecCredentials
{
    /// <summary>A credential this close to its expiry is renewed before use, so no request is sent with a dying token.</summary>
    internal static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Func<ExternalExecution, string, ExecCredential> _run;
    private readonly TimeProvider _time;

    public ExecCredentials()
        : this(RunPlugin, TimeProvider.System)
    {
    }

    internal ExecCredentials(Func<ExternalExecution, string, ExecCredential> run, TimeProvider time)
    {
        _run = run;
        _time = time;
    }

    /// <summary>How long a plugin may run; a browser or device login that waits longer is a failure, not a hang.</summary>
    internal static TimeSpan PluginTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The credential for this plugin configuration: the cached one while valid, else the plugin's new one.</summary>
    public ExecCredential Get(ExternalExecution exec, string userName)
    {
        var entry = _entries.GetOrAdd(Key(exec), _ => new Entry());
        lock (entry)
        {
            if (entry.Credential is { } cached && IsFresh(cached))
            {
                return cached;
            }

            entry.Credential = _run(exec, userName);
            return entry.Credential;
        }
    }

    private bool IsFresh(ExecCredential credential) =>
        credential.Expires is not { } expires || _time.GetUtcNow() + RenewBefore < expires;

    /// <summary>Two users with the same plugin invocation get the same credential, as they would from kubectl.</summary>
    private static string Key(ExternalExecution exec) => JsonSerializer.Serialize(new
    {
        exec.ApiVersion,
        exec.Command,
        Arguments = exec.Arguments ?? [],
        Environment = (exec.EnvironmentVariables ?? []).Select(v => v.GetValueOrDefault("name") + "=" + v.GetValueOrDefault("value")),
    });

    /// <summary>A token provider for the client that asks this cache on every request.</summary>
    public ITokenProvider TokenProvider(ExternalExecution exec, string userName) => new CachedTokenProvider(this, exec, userName);

    private sealed class Entry
    {
        public ExecCredential? Credential { get; set; }
    }

    private sealed class CachedTokenProvider(ExecCredentials cache, ExternalExecution exec, string userName) : ITokenProvider
    {
        public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
        {
            // The plugin is a process: run it off the request's thread.
            var credential = await Task.Run(() => cache.Get(exec, userName), cancellationToken).ConfigureAwait(false);
            return new AuthenticationHeaderValue("Bearer", credential.Token);
        }
    }

    /// <summary>
    /// Runs the plugin as the exec credential protocol says (k8s.io/client-go/plugin/pkg/client/auth/exec): arguments
    /// and env from the kubeconfig, KUBERNETES_EXEC_INFO describing the request, non-interactive, the ExecCredential
    /// JSON on standard output; a non-zero exit is a failure whose standard error says why.
    /// </summary>
    internal static ExecCredential RunPlugin(ExternalExecution exec, string userName)
    {
        var start = new ProcessStartInfo(exec.Command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in exec.Arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["KUBERNETES_EXEC_INFO"] = JsonSerializer.Serialize(new
        {
            apiVersion = exec.ApiVersion,
            kind = "ExecCredential",
            spec = new { interactive = false },
        });
        foreach (var variable in exec.EnvironmentVariables ?? [])
        {
            if (variable.TryGetValue("name", out var name) && !string.IsNullOrEmpty(name))
            {
                start.Environment[name] = variable.GetValueOrDefault("value");
            }
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception(2);
        }
        catch (Win32Exception ex)
        {
            var hint = string.IsNullOrWhiteSpace(exec.InstallHint) ? string.Empty : " " + exec.InstallHint.Trim();
            throw new EckRemoteClusterException(
                ErrorIds.KubeExecPluginNotFound,
                EckErrorCategory.ObjectNotFound,
                $"The kubeconfig user '{userName}' gets its credentials from the command '{exec.Command}', which could not be started: {ex.Message}",
                $"Install '{exec.Command}' or put it on PATH for this session, then run the cmdlet again.{hint}",
                exec.Command,
                ex);
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(PluginTimeout))
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It ended meanwhile.
                }

                throw new EckRemoteClusterException(
                    ErrorIds.KubeExecPluginFailed,
                    EckErrorCategory.OperationTimeout,
                    $"The credential command '{exec.Command}' of kubeconfig user '{userName}' did not finish within {PluginTimeout.TotalSeconds:0} s (it may be waiting for an interactive login).",
                    $"Run '{exec.Command}' by hand (or kubectl get ns) to log in, then run the cmdlet again.",
                    exec.Command);
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.KubeExecPluginFailed,
                    EckErrorCategory.AuthenticationError,
                    $"The credential command '{exec.Command}' of kubeconfig user '{userName}' exited with {process.ExitCode}: {Tail(error.Result)}",
                    $"Run '{exec.Command}' by hand (or kubectl get ns) to see why it fails; log in again with your cloud CLI, then run the cmdlet again.",
                    exec.Command);
            }

            return Parse(output.Result, exec, userName);
        }
    }

    internal static ExecCredential Parse(string output, ExternalExecution exec, string userName)
    {
        ExecCredentialJson? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<ExecCredentialJson>(output);
        }
        catch (JsonException ex)
        {
            throw OutputInvalid(exec, userName, $"its output is not JSON ({ex.Message})");
        }

        if (parsed?.Status is not { } status)
        {
            throw OutputInvalid(exec, userName, "its output has no status");
        }

        if (!string.Equals(parsed.ApiVersion, exec.ApiVersion, StringComparison.Ordinal))
        {
            throw OutputInvalid(exec, userName, $"it answered with apiVersion '{parsed.ApiVersion}' where the kubeconfig asks for '{exec.ApiVersion}'");
        }

        var hasCertificate = !string.IsNullOrEmpty(status.ClientCertificateData) && !string.IsNullOrEmpty(status.ClientKeyData);
        if (string.IsNullOrEmpty(status.Token) && !hasCertificate)
        {
            throw OutputInvalid(exec, userName, "its status has neither a token nor a client certificate and key");
        }

        return new ExecCredential(status.Token, status.ClientCertificateData, status.ClientKeyData, status.ExpirationTimestamp);
    }

    private static EckRemoteClusterException OutputInvalid(ExternalExecution exec, string userName, string why) => new(
        ErrorIds.KubeExecPluginOutputInvalid,
        EckErrorCategory.InvalidData,
        $"The credential command '{exec.Command}' of kubeconfig user '{userName}' returned no usable ExecCredential: {why}.",
        $"Check the exec entry of user '{userName}' (its apiVersion must match what '{exec.Command}' prints) with 'kubectl config view --minify'.",
        exec.Command);

    /// <summary>The end of a plugin's standard error, where it says what went wrong, kept short for the message.</summary>
    private static string Tail(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return "(nothing on standard error)";
        }

        return trimmed.Length <= 500 ? trimmed : "…" + trimmed[^500..];
    }

    private sealed class ExecCredentialJson
    {
        [JsonPropertyName("apiVersion")]
        public string? ApiVersion { get; set; }

        [JsonPropertyName("status")]
        public StatusJson? Status { get; set; }
    }

    private sealed class StatusJson
    {
        [JsonPropertyName("token")]
        public string? Token { get; set; }

        [JsonPropertyName("clientCertificateData")]
        public string? ClientCertificateData { get; set; }

        [JsonPropertyName("clientKeyData")]
        public string? ClientKeyData { get; set; }

        [JsonPropertyName("expirationTimestamp")]
        public DateTimeOffset? ExpirationTimestamp { get; set; }
    }
}
