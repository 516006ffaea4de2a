using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Remoting;
using EckRemoteCluster.Secrets;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Turns the local clusters of an estate file into what the engine works with: secrets read from their references
/// (environment variable, file, or SecretManagement's Get-Secret), a verified connection, and every node reached (a
/// config path, or a PSSession the module opens over SSH and closes at the end) with its node.name and a way to
/// restart it. Relative paths are relative to the estate file. Everything is resolved before the plan is made, so a
/// missing secret or an unreachable node changes nothing.
/// </summary>
internal sealed class EstateTargets(EckRemoteClusterCmdlet cmdlet, string baseDirectory) : IDisposable
{
    private readonly List<PSSession> _opened = [];

    public EstateLocalTarget Resolve(EstateLocalCluster spec, bool connect = true)
    {
        var password = spec.Password is null ? null : ReadSecret(spec.Password, spec);
        var apiKey = spec.ApiKey is null ? null : ReadSecret(spec.ApiKey, spec);
        var keystorePassword = spec.KeystorePassword is null ? null : ReadSecret(spec.KeystorePassword, spec);
        var authorities = spec.CertificateAuthority is null ? null : CertificateInputs.Resolve(cmdlet, FullPath(spec.CertificateAuthority));
        var request = new DirectConnectionRequest(
            [.. spec.Uris.Select(u => new Uri(u))],
            spec.Username,
            password,
            apiKey,
            authorities is { Length: > 0 } ? new X509Certificate2Collection(authorities) : null,
            null,
            false);
        var connection = cmdlet.RunWithReporting((reporter, token) => EckRemoteClusterCmdlet.Engine.Elasticsearch.ConnectAsync(request, reporter, token));
        var restart = spec.RestartCommand is null ? null : ScriptBlock.Create(spec.RestartCommand);
        var nodes = spec.Nodes.SelectMany(node => ResolveNode(node, restart)).ToList();
        return new EstateLocalTarget(spec, connection, nodes, keystorePassword);
    }

    private IEnumerable<EstateLocalNode> ResolveNode(EstateNode node, ScriptBlock? restart)
    {
        if (node.Ssh is null)
        {
            foreach (var directory in ProviderPaths.ResolveNodeDirectories(cmdlet, [FullPath(node.ConfigPath!)]))
            {
                var name = NodeNames.TryRead(directory.ConfigPath, directory);
                yield return new EstateLocalNode(directory, name,
                    name is null || restart is null ? null : new NodeRestartRequest(name, directory.ConfigPath, NodeRestartMethod.Command, _ => RunRestartCommand(restart, name, directory.ConfigPath, null)));
            }

            yield break;
        }

        var session = Open(node);
        var remote = RemoteNode.FindAsync(session, node.ConfigPath, null, cmdlet.StoppingToken).GetAwaiter().GetResult();
        cmdlet.WriteVerbose($"{SessionCommand.Describe(session)}: config directory {remote.ConfigPath} ({remote.ConfigSource}).");
        var files = new SessionNodeFiles(session, remote.HostName, remote.IsWindows);
        var nodeName = EckRemoteClusterCmdlet.Engine.NodeRestarts.NodeNameFromConfig(
            new UTF8Encoding(false).GetString(remote.ElasticsearchYml).TrimStart('\uFEFF'), $"{remote.Location}/elasticsearch.yml", remote.HostName);
        var request = restart is not null
            ? new NodeRestartRequest(nodeName, remote.Location, NodeRestartMethod.Command, _ => RunRestartCommand(restart, nodeName, remote.ConfigPath, session))
            : new NodeRestartRequest(nodeName, remote.Location, remote.IsWindows ? NodeRestartMethod.WindowsService : NodeRestartMethod.Systemd, t => remote.RestartServiceAsync(null, t));
        yield return new EstateLocalNode(new NodeDirectory(files, remote.ConfigPath), nodeName, request);
    }

    /// <summary>New-PSSession over SSH from "user@host:port" (and keyFile); closed when the cmdlet ends.</summary>
    private PSSession Open(EstateNode node)
    {
        var spec = node.Ssh!;
        var at = spec.LastIndexOf('@');
        var user = at > 0 ? spec[..at] : null;
        var hostPort = spec[(at + 1)..];
        int? port = null;
        var colon = hostPort.LastIndexOf(':');
        if (colon > 0 && !hostPort.EndsWith(']') && int.TryParse(hostPort[(colon + 1)..], out var parsed))
        {
            port = parsed;
            hostPort = hostPort[..colon];
        }

        var parameters = new System.Collections.Hashtable { ["HostName"] = hostPort.Trim('[', ']'), ["ErrorAction"] = "Stop" };
        if (user is not null)
        {
            parameters["UserName"] = user;
        }

        if (port is not null)
        {
            parameters["Port"] = port.Value;
        }

        if (node.KeyFile is not null)
        {
            parameters["KeyFilePath"] = FullPath(node.KeyFile);
        }

        if (node.KnownHostsFile is not null)
        {
            // The host key must be in this file; BatchMode: no prompt can block an unattended run.
            parameters["Options"] = new System.Collections.Hashtable
            {
                ["UserKnownHostsFile"] = FullPath(node.KnownHostsFile),
                ["StrictHostKeyChecking"] = "yes",
                ["BatchMode"] = "yes",
            };
        }

        try
        {
            var result = cmdlet.InvokeCommand.InvokeScript("param($p) New-PSSession @p", true, PipelineResultTypes.None, null, parameters);
            var session = result.Select(o => o.BaseObject).OfType<PSSession>().FirstOrDefault()
                ?? throw new InvalidOperationException("New-PSSession returned no session.");
            _opened.Add(session);
            return session;
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException)
        {
            throw new EckRemoteClusterException(ErrorIds.SessionUnavailable, EckErrorCategory.ConnectionError,
                $"Could not open a PowerShell session over SSH to {spec} ({node.Position} of the estate file): {e.Message} Nothing was changed.",
                "Check that the node runs sshd with pwsh as its 'powershell' subsystem and that the user and keyFile are right (New-PSSession -HostName ... -UserName ... -KeyFilePath ...).",
                spec, e);
        }
    }

    private SecureString ReadSecret(EstateSecretReference reference, EstateLocalCluster spec)
    {
        string Where() => $"{reference} for local cluster '{spec.Name}' ({reference.Position} of the estate file)";
        if (reference.Environment is { } variable)
        {
            return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
                ? SecureStrings.FromChars(value)
                : throw Unavailable($"The {Where()} is not set.", $"Set the environment variable {variable} before running the command.");
        }

        if (reference.File is { } file)
        {
            var path = FullPath(file);
            try
            {
                var bytes = File.ReadAllBytes(path);
                var length = bytes.Length;
                while (length > 0 && bytes[length - 1] is (byte)'\r' or (byte)'\n')
                {
                    length--;
                }

                var secret = SecureStrings.FromUtf8(bytes.AsSpan(0, length));
                Array.Clear(bytes);
                return secret;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unavailable($"The {Where()} cannot be read: {e.Message}", "Check the path and that this account may read the file.");
            }
        }

        if (cmdlet.InvokeCommand.GetCommand("Get-Secret", CommandTypes.Cmdlet | CommandTypes.Function) is null)
        {
            throw Unavailable($"The {Where()} needs Microsoft.PowerShell.SecretManagement, which is not installed.",
                "Install-PSResource Microsoft.PowerShell.SecretManagement (and a vault extension), or refer to the secret with env or file.");
        }

        try
        {
            var found = cmdlet.InvokeCommand.InvokeScript("param($n, $v) if ($v) { Get-Secret -Name $n -Vault $v -ErrorAction Stop } else { Get-Secret -Name $n -ErrorAction Stop }",
                reference.Secret, reference.Vault).Select(o => o.BaseObject).FirstOrDefault();
            return found switch
            {
                SecureString secure => secure,
                PSCredential credential => credential.Password,
                string text => SecureStrings.FromChars(text),
                _ => throw Unavailable($"The {Where()} is not a SecureString, PSCredential or string.", "Store the value with Set-Secret -SecureStringSecret."),
            };
        }
        catch (RuntimeException e)
        {
            throw Unavailable($"The {Where()} cannot be read: {e.Message}", "Check the name and vault with Get-SecretInfo.");
        }
    }

    private static EckRemoteClusterException Unavailable(string message, string action) =>
        new(ErrorIds.EstateSecretUnavailable, EckErrorCategory.ObjectNotFound, message + " Nothing was changed.", action);

    private string FullPath(string path)
    {
        var expanded = path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path;
        return Path.IsPathRooted(expanded) ? expanded : Path.GetFullPath(Path.Combine(baseDirectory, expanded));
    }

    /// <summary>restartCommand runs on the pipeline thread (a script block belongs to its runspace), with $_ the node.</summary>
    private Task RunRestartCommand(ScriptBlock restart, string nodeName, string configPath, PSSession? session) => cmdlet.OnPipelineThread(() =>
    {
        var node = new PSObject();
        node.Properties.Add(new PSNoteProperty("NodeName", nodeName));
        node.Properties.Add(new PSNoteProperty("ConfigPath", configPath));
        node.Properties.Add(new PSNoteProperty("Session", session));
        try
        {
            restart.InvokeWithContext(null, [new PSVariable("_", node)], node);
        }
        catch (RuntimeException e) when (e is not PipelineStoppedException)
        {
            throw new EckRemoteClusterException(ErrorIds.NodeRestartFailed, EckErrorCategory.InvalidOperation,
                $"restartCommand failed for {nodeName}: {e.Message}",
                "Fix restartCommand in the estate file (it gets the node as $_: NodeName, ConfigPath, Session) and run Sync-RemoteClusterEstate again.",
                nodeName, e);
        }
    });

    public void Dispose()
    {
        if (_opened.Count > 0)
        {
            cmdlet.InvokeCommand.InvokeScript("param($s) Remove-PSSession -Session $s -ErrorAction SilentlyContinue", true, PipelineResultTypes.None, null, new object[] { _opened.ToArray() });
            _opened.Clear();
        }
    }
}
