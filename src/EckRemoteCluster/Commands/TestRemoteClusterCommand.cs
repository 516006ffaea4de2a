using System.Management.Automation;
using EckRemoteCluster.Completion;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Checks each remote cluster connection afresh (a new connection attempt, so the answer does not depend on timing)
/// and, when one is down, says why and what to do, quoting the evidence: _resolve/cluster and _remote/info; with
/// -ConfigPath every node's keystore (credential present, the same, which key id) and the nodes' logs of that attempt
/// (path.logs); with -RemoteConnection the key's state on the remote; and a TLS handshake from this machine to the
/// proxy address, checked against the nodes' CA files.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "RemoteCluster")]
[OutputType(typeof(RemoteClusterTestResult), typeof(bool))]
public sealed class TestRemoteClusterCommand : NodeFilesCmdlet
{
    /// <summary>The local cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The remotes to test; all registered remotes when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RemoteClusterAliasCompleter))]
    public string[]? Alias { get; set; }

    /// <summary>
    /// Also run a cross-cluster search of ALIAS:INDEX through the connection: it proves the key's access and the
    /// local roles, not only the connection.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SearchIndex { get; set; }

    /// <summary>
    /// A connection to the remote cluster (e.g. Get-EckCluster | New-ElasticsearchConnection): lets the diagnosis check
    /// the key the keystores hold (missing, invalidated, expired, a REST key) and whether the remote cluster server is enabled.
    /// </summary>
    [Parameter]
    public ElasticsearchConnection? RemoteConnection { get; set; }

    /// <summary>Skip the TLS handshake from this machine to the proxy address.</summary>
    [Parameter]
    public SwitchParameter NoHandshake { get; set; }

    /// <summary>Writes one $true when every remote tested is healthy, else $false, instead of the results.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Writes the error RemoteClusterNotConnected, with the cause and what to do, for each remote that is not healthy.</summary>
    [Parameter]
    public SwitchParameter ErrorIfNotConnected { get; set; }

    private bool _allHealthy = true;
    private bool _anyTested;

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (Quiet)
        {
            WriteObject(_anyTested && _allHealthy);
        }
    }

    /// <summary>Connected, no diagnosis (a refused search is one), and every node's keystore holds the same credential.</summary>
    internal static bool IsHealthy(RemoteClusterTestResult result) =>
        result.Connected && result.Cause is null && result.NodeCredentials.All(n => n.Present && n.SameAsOtherNodes);

    private void Report(RemoteClusterTestResult result)
    {
        _anyTested = true;
        var healthy = IsHealthy(result);
        _allHealthy &= healthy;
        if (!healthy && ErrorIfNotConnected)
        {
            var why = result.Cause ?? (result.Connected ? "NodeCredentialsDiffer" : "NotConnected");
            var credentials = result.NodeCredentials.Where(n => !n.Present || !n.SameAsOtherNodes).Select(n => n.ConfigPath).ToList();
            var message = $"Remote cluster '{result.Alias}' is not healthy: {why}"
                + (string.IsNullOrEmpty(result.Evidence) ? string.Empty : $" ({result.Evidence})")
                + (credentials.Count == 0 ? "." : $"; the keystores of {string.Join(", ", credentials)} lack its credential or hold another one.");
            var action = result.RecommendedAction
                ?? (credentials.Count > 0
                    ? $"Write the same key to every node: New-CrossClusterApiKey ... | Add-RemoteClusterCredential -Alias {result.Alias} -ConfigPath <every node> -Connection <local>."
                    : $"Run Test-RemoteCluster -Alias {result.Alias} | Format-List for the details.");
            WriteError(ErrorRecords.Create(new InvalidOperationException(message), ErrorIds.RemoteClusterNotConnected, ErrorCategory.ConnectionError, result.Alias, action));
        }

        if (!Quiet)
        {
            WriteObject(result);
        }
    }

    private protected override void ProcessNodes(NodeSelection selection)
    {
        var client = Connection.Client;
        var service = Engine.RemoteClusters;
        var aliases = Alias ?? RunWithReporting((_, token) => service.GetAsync(client, Connection.ClusterName, token)).Select(r => r.Alias).ToArray();
        var directories = selection.IsEmpty ? null : selection.Resolve(this);
        foreach (var alias in aliases)
        {
            var credentials = directories is null ? [] : CheckCredentials(directories, alias);
            var options = new RemoteClusterTestOptions(credentials, directories, RemoteConnection?.Client, SearchIndex, !NoHandshake.IsPresent);
            var result = RunWithReporting((_, token) => service.TestAsync(client, alias, Connection.Version, options, token));
            Report(result);
        }
    }

    private IReadOnlyList<NodeCredentialCheck> CheckCredentials(IReadOnlyList<NodeDirectory> directories, string alias)
    {
        using var keystores = Engine.NodeConfig.OpenKeystores(directories, KeystorePassword);
        var keyIds = keystores.ApiKeyIds(RemoteClusterNames.CredentialsSetting(alias));
        var checks = keystores.CompareEntry(RemoteClusterNames.CredentialsSetting(alias))
            .Select((c, i) => new NodeCredentialCheck(c.ConfigPath, c.Present, c.SameAsFirst, keyIds[i].KeyId))
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
