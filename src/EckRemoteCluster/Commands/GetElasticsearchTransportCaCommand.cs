using System.Management.Automation;
using System.Security;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Reads the transport CA of a self-managed node (the CA its transport certificate chains to) from its config
/// directory, whether the node uses PEM files or PKCS#12 stores: what the ECK cluster must trust for the
/// TLS-certificate model (pipe it into Add-EckTransportTrust).
/// </summary>
[Cmdlet(VerbsCommon.Get, "ElasticsearchTransportCa")]
[OutputType(typeof(ElasticsearchTransportCa))]
public sealed class GetElasticsearchTransportCaCommand : EckRemoteClusterCmdlet
{
    /// <summary>A node's config directory (the folder with elasticsearch.yml). The nodes of one cluster share a CA: one is enough.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    /// <summary>The password of a password-protected elasticsearch.keystore (it holds the PKCS#12 store's password).</summary>
    [Parameter]
    public SecureString? KeystorePassword { get; set; }

    protected override void ProcessRecordCore()
    {
        foreach (var path in ProviderPaths.ResolveDirectories(this, ConfigPath))
        {
            try
            {
                var ca = Engine.NodeConfig.ReadTransportCa(path, KeystorePassword);
                WriteVerbose($"{path}: transport CA '{ca}' from {ca.Source}.");
                WriteObject(ca);
            }
            catch (EckRemoteClusterException ex)
            {
                WriteError(ErrorRecords.From(ex));
            }
        }
    }
}
