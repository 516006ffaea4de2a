using System.Management.Automation;
using System.Management.Automation.Runspaces;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Writes the estate of a local cluster as it is now to a YAML file that Sync-RemoteClusterEstate reads: the
/// registered remotes, the ECK clusters behind them (found through the kubeconfig's contexts by their published
/// addresses), each key's access and lifetime, and the local roles that reach them. Run Sync-RemoteClusterEstate
/// -WhatIf on the file: every row is Unchanged.
/// </summary>
[Cmdlet(VerbsData.Export, "RemoteClusterEstate", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = VariableSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportRemoteClusterEstateCommand : NodeFilesCmdlet
{
    /// <summary>The YAML file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The local (self-managed) cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The local cluster's name in the file; its cluster name by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    private const string VariableSet = "PasswordVariable";
    private const string FileSet = "PasswordFile";
    private const string SecretSet = "PasswordSecret";

    /// <summary>The environment variable the file names for the local cluster's password (the password itself is never written); ES_PASSWORD by default.</summary>
    [Parameter(ParameterSetName = VariableSet)]
    [ValidateNotNullOrEmpty]
    public string PasswordVariable { get; set; } = "ES_PASSWORD";

    /// <summary>A file holding the local cluster's password (or API key), named in the estate file as { file: … }; the file is not read here.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [ValidateNotNullOrEmpty]
    public string PasswordFile { get; set; } = string.Empty;

    /// <summary>The SecretManagement secret holding the local cluster's password (or API key), named in the estate file as { secret: … }.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [ValidateNotNullOrEmpty]
    public string PasswordSecret { get; set; } = string.Empty;

    /// <summary>The vault of -PasswordSecret; every registered vault is searched when left out.</summary>
    [Parameter(ParameterSetName = SecretSet)]
    [ValidateNotNullOrEmpty]
    public string? PasswordVault { get; set; }

    /// <summary>The local cluster's HTTP CA file, written to the file as certificateAuthority.</summary>
    [Parameter]
    public string? CertificateAuthority { get; set; }

    /// <summary>Written to the file as restartCommand: how Sync-RemoteClusterEstate restarts a node reached as a path.</summary>
    [Parameter]
    public string? RestartCommand { get; set; }

    /// <summary>-KubeConfig: described for users once, in docs/en-US/parameters.md.</summary>
    [Parameter]
    public string? KubeConfig { get; set; }

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private protected override void ProcessNodes(NodeSelection given)
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(path) && !Force)
        {
            throw new EckRemoteClusterException(ErrorIds.EstateFileExists, EckErrorCategory.ResourceExists,
                $"'{path}' exists. Nothing was written.", "Give -Force to overwrite it, or another -Path.", path);
        }

        var directories = given.Resolve(this);
        var nodes = directories.Select((d, i) => new EstateLocalNode(d, null, null)).ToList();
        var position = new EstatePosition(0, 0);
        // The file names nodes as they were given: paths as resolved, sessions as ssh: user@host:port with the
        // config directory only when one was given (otherwise Sync-RemoteClusterEstate finds it on the node again).
        var specNodes = directories.Where(d => d.Files is not Remoting.SessionNodeFiles).Select(d => new EstateNode(d.ConfigPath, null, null, position))
            .Concat(given.GivenSessions.Select(s => new EstateNode(s.ConfigPath, SshSpec(s.Session), Text(s.Session, "KeyFilePath"), position, KnownHostsFile(s.Session))))
            .ToList();
        var apiKeyAuth = Connection.AuthenticationType == "api_key";
        var secret = ParameterSetName switch
        {
            FileSet => new EstateSecretReference(null, GetUnresolvedProviderPathFromPSPath(PasswordFile), null, null, position),
            SecretSet => new EstateSecretReference(null, null, PasswordSecret, PasswordVault, position),
            _ => new EstateSecretReference(PasswordVariable, null, null, null, position),
        };
        var spec = new EstateLocalCluster(
            Name ?? Connection.ClusterName,
            Connection.Route == "Direct" ? Connection.Endpoints : [],
            CertificateAuthority is null ? null : GetUnresolvedProviderPathFromPSPath(CertificateAuthority),
            apiKeyAuth ? null : Connection.User,
            apiKeyAuth ? null : secret,
            apiKeyAuth ? secret : null,
            null,
            specNodes,
            RestartCommand,
            false,
            position);
        var target = new EstateLocalTarget(spec, Connection, nodes, KeystorePassword);
        var kubeConfig = string.IsNullOrEmpty(KubeConfig) ? null : KubernetesTargets.From(this, KubeConfig, null).KubeConfig;
        var document = RunWithReporting((reporter, token) => Engine.Estate.ExportAsync(target, kubeConfig, reporter, token));
        var yaml = Engine.Estate.Write(document,
            $"Exported by Export-RemoteClusterEstate from '{Connection.ClusterName}' at {DateTime.UtcNow:u}.\n"
            + (ParameterSetName == VariableSet
                ? $"Set {PasswordVariable} before Sync-RemoteClusterEstate -Path <this file> -WhatIf (docs/estate.md)."
                : $"Sync-RemoteClusterEstate reads the {secret} when it runs (docs/estate.md)."));
        if (!ShouldProcess(path, $"Write the estate of '{Connection.ClusterName}' ({document.Links.Count} links, {document.EckClusters.Count} ECK clusters)"))
        {
            return;
        }

        File.WriteAllText(path, yaml, new System.Text.UTF8Encoding(false));
        WriteObject(new FileInfo(path));
    }

    /// <summary>user@host:port of an SSH session (the module builds against the PowerShell Standard surface, where SSHConnectionInfo is not a type).</summary>
    private static string SshSpec(PSSession session)
    {
        var user = Text(session, "UserName");
        var port = Text(session, "Port");
        return $"{(string.IsNullOrEmpty(user) ? string.Empty : user + "@")}{session.ComputerName}{(port is null or "0" or "22" ? string.Empty : ":" + port)}";
    }

    /// <summary>The UserKnownHostsFile the session was opened with (New-PSSession -Options), so Sync opens it the same way.</summary>
    private static string? KnownHostsFile(PSSession session) =>
        PSObject.AsPSObject(session.Runspace.ConnectionInfo).Properties["Options"]?.Value is System.Collections.IDictionary options
            ? options.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k.ToString(), "UserKnownHostsFile", StringComparison.OrdinalIgnoreCase)) is { } key
                && options[key]?.ToString() is { Length: > 0 } file ? file : null
            : null;

    private static string? Text(PSSession session, string property) =>
        PSObject.AsPSObject(session.Runspace.ConnectionInfo).Properties[property]?.Value?.ToString() is { Length: > 0 } value ? value : null;
}
