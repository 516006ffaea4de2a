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
public sealed class GetElasticsearchTransportCaCommand : NodeReaderCmdlet
{
    /// <summary>The password of a password-protected elasticsearch.keystore (it holds the PKCS#12 store's password).</summary>
    [Parameter]
    public SecureString? KeystorePassword { get; set; }

    protected override void ProcessRecordCore()
    {
        foreach (var node in RecordNodes())
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
