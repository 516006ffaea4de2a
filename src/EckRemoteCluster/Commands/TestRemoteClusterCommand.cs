using System.Management.Automation;
using System.Security;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Checks each remote cluster connection afresh and, when one is down, says why (from Elasticsearch's own message)
/// and what to do. With -ConfigPath it also checks that every node's keystore holds the same credential.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "RemoteCluster")]
[OutputType(typeof(RemoteClusterTestResult))]
public sealed class TestRemoteClusterCommand : EckRemoteClusterCmdlet
{
    /// <summary>The local cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The remotes to test; all registered remotes when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string[]? Alias { get; set; }

    /// <summary>The config directory of every local node, to check their keystores hold the credential.</summary>
    [Parameter]
    public string[]? ConfigPath { get; set; }

    /// <summary>
    /// Also run a cross-cluster search of ALIAS:INDEX through the connection: it proves the key's access and the
    /// local roles, not only the connection.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SearchIndex { get; set; }

    /// <summary>The keystores' password, when they are password protected.</summary>
    [Parameter]
    public SecureString? KeystorePassword { get; set; }

    protected override void ProcessRecordCore()
    {
        var client = Connection.Client;
        var service = Engine.RemoteClusters;
        var aliases = Alias ?? RunWithReporting((_, token) => service.GetAsync(client, Connection.ClusterName, token)).Select(r => r.Alias).ToArray();
        var directories = ConfigPath is null ? null : ProviderPaths.ResolveNodeDirectories(this, ConfigPath);
        foreach (var alias in aliases)
        {
            var credentials = directories is null ? [] : CheckCredentials(directories, alias);
            var result = RunWithReporting((_, token) => service.TestAsync(client, alias, Connection.Version, credentials, SearchIndex, token));
            WriteObject(result);
        }
    }

    private IReadOnlyList<NodeCredentialCheck> CheckCredentials(IReadOnlyList<NodeDirectory> directories, string alias)
    {
        using var keystores = Engine.NodeConfig.OpenKeystores(directories, KeystorePassword);
        var checks = keystores.CompareEntry(RemoteClusterNames.CredentialsSetting(alias))
            .Select(c => new NodeCredentialCheck(c.ConfigPath, c.Present, c.SameAsFirst))
            .ToList();
        foreach (var missing in checks.Where(c => !c.Present))
        {
            WriteWarning($"{missing.ConfigPath}: the keystore has no {RemoteClusterNames.CredentialsSetting(alias)}; this node cannot authenticate to '{alias}'.");
        }

        foreach (var different in checks.Where(c => c.Present && !c.SameAsOtherNodes))
        {
            WriteWarning($"{different.ConfigPath}: the keystore holds a different credential for '{alias}' than the other nodes.");
        }

        return checks;
    }
}
