using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace EckRemoteCluster.Remoting;

/// <summary>
/// A node reached through a PSSession: its platform and identity, and its config directory with how it was found
/// (Find-NodeConfig.ps1: -ConfigPath, ES_PATH_CONF of the service, the package or MSI default, or path.conf of the
/// running process).
/// </summary>
internal sealed record RemoteNode(
    PSSession Session, bool IsWindows, string HostName, string UserName, bool Elevated, string ConfigPath, string ConfigSource, byte[] ElasticsearchYml)
{
    public string Location => $"{SessionCommand.Describe(Session)}:{ConfigPath}";

    public static async Task<RemoteNode> FindAsync(PSSession session, string? configPath, string? serviceName, CancellationToken cancellationToken)
    {
        var output = await SessionCommand.InvokeAsync(session, Scripts.Get("Find-NodeConfig"), [configPath, serviceName],
            ErrorIds.ConfigPathNotFound, "Pass -ConfigPath with the node's config directory (the folder that holds elasticsearch.yml).", cancellationToken);
        var info = output.LastOrDefault() ?? throw new EckRemoteClusterException(ErrorIds.RemoteCommandFailed, EckErrorCategory.InvalidData,
            $"Finding the config directory on {SessionCommand.Describe(session)} returned nothing.", "Run the command again; check the session with Invoke-Command.", session.ComputerName);
        string? Text(string name) => info.Properties[name]?.Value?.ToString();
        var found = Text("ConfigPath");
        if (string.IsNullOrEmpty(found))
        {
            var tried = info.Properties["Tried"]?.Value is object tries ? LanguagePrimitives.ConvertTo<string[]>(tries) : [];
            throw new EckRemoteClusterException(ErrorIds.ConfigPathNotFound, EckErrorCategory.ObjectNotFound,
                $"No Elasticsearch config directory was found on {SessionCommand.Describe(session)} (tried: {(tried.Length == 0 ? "ES_PATH_CONF of the service, /etc/elasticsearch, the MSI's ProgramData path, running processes" : string.Join("; ", tried))}).",
                "Pass -ConfigPath with the node's config directory (the folder that holds elasticsearch.yml), or -ServiceName when the service has another name.",
                session.ComputerName);
        }

        return new RemoteNode(
            session,
            Text("Platform") == "Windows",
            Text("HostName") ?? session.ComputerName,
            Text("UserName") ?? string.Empty,
            LanguagePrimitives.IsTrue(info.Properties["Elevated"]?.Value),
            found,
            Text("ConfigSource") ?? "-ConfigPath",
            info.Properties["Yml"]?.Value is object yml ? LanguagePrimitives.ConvertTo<byte[]>(yml) : []);
    }

    /// <summary>Restarts the node's Elasticsearch service (systemd or Windows) and returns when the service manager says it started.</summary>
    public Task RestartServiceAsync(string? serviceName, CancellationToken cancellationToken) =>
        SessionCommand.InvokeAsync(Session, Scripts.Get("Restart-NodeService"), [serviceName], ErrorIds.NodeRestartFailed,
            IsWindows
                ? "Read the service's log (the node's logs directory) for why it did not start; the session's user must be allowed to restart the service (an administrator)."
                : "Read why with journalctl -u elasticsearch on the node; the session's user must be root or allowed 'sudo -n systemctl restart elasticsearch'.",
            cancellationToken);
}

/// <summary>The scripts embedded from Remoting/Scripts.</summary>
internal static class Scripts
{
    private static readonly Dictionary<string, string> s_loaded = new(StringComparer.Ordinal);

    public static string Get(string name)
    {
        lock (s_loaded)
        {
            if (!s_loaded.TryGetValue(name, out var text))
            {
                using var stream = typeof(Scripts).Assembly.GetManifestResourceStream($"EckRemoteCluster.Remoting.{name}.ps1")
                    ?? throw new InvalidOperationException($"The module assembly lacks its script {name}.ps1.");
                using var reader = new StreamReader(stream);
                text = reader.ReadToEnd();
                s_loaded[name] = text;
            }

            return text;
        }
    }
}
