using System.Management.Automation;
using System.Security;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Reads the transport CA of a self-managed node (the CA its transport certificate chains to) from its config
/// directory, whether the node uses PEM files or PKCS#12 stores: what the ECK cluster must trust for the
/// TLS-certificate model (pipe it into Add-EckTransportTrust).
/// </summary>
[Cmdlet(VerbsCommon.Get, "ElasticsearchTransportCa", DefaultParameterSetName = ByConfigPath)]
[OutputType(typeof(ElasticsearchTransportCa))]
public sealed class GetElasticsearchTransportCaCommand : EckRemoteClusterCmdlet
{
    /// <summary>A node's config directory (the folder with elasticsearch.yml). The nodes of one cluster share a CA: one is enough.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByConfigPath)]
    [Parameter(Position = 0, ParameterSetName = BySession)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    /// <summary>Sessions to the nodes; the files are read on the node (its config directory found there without -ConfigPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = BySession)]
    [ValidateNotNullOrEmpty]
    public System.Management.Automation.Runspaces.PSSession[] Session { get; set; } = [];

    private const string ByConfigPath = "ConfigPath";
    private const string BySession = "Session";

    /// <summary>The password of a password-protected elasticsearch.keystore (it holds the PKCS#12 store's password).</summary>
    [Parameter]
    public SecureString? KeystorePassword { get; set; }

    protected override void ProcessRecordCore()
    {
        var nodes = ParameterSetName == BySession
            ? NodeTargets.Resolve(this, ConfigPath, Session)
            : ProviderPaths.ResolveDirectories(this, ConfigPath).Select(path => new Contracts.NodeDirectory(Engine.NodeConfig.LocalFiles, path));
        foreach (var node in nodes)
        {
            try
            {
                var ca = Engine.NodeConfig.ReadTransportCa(node, KeystorePassword);
                WriteVerbose($"{node}: transport CA '{ca}' from {ca.Source}.");
                WriteObject(ca);
            }
            catch (EckRemoteClusterException ex)
            {
                WriteError(ErrorRecords.From(ex));
            }
        }
    }
}
