using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Reads the CAs the local cluster must trust for an ECK cluster's remote cluster server.</summary>
[Cmdlet(VerbsCommon.Get, "EckTransportCa")]
[OutputType(typeof(EckCertificateAuthority))]
public sealed class GetEckTransportCaCommand : EckClusterCmdlet
{
    /// <summary>
    /// Also writes the PEM (every CA) to this file, e.g. remote-cluster-ca.crt, replacing it atomically and keeping
    /// the owner, group and mode of a file that is there.
    /// </summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <summary>-InputObject: described for users once, in docs/en-US/parameters.md.</summary>
    [Parameter(ValueFromPipeline = true)]
    public EckCluster? InputObject { get; set; }

    protected override void ProcessRecordCore()
    {
        var cluster = PipedOrReadCluster(InputObject);
        var ca = RunWithReporting((reporter, token) => Engine.Eck.GetTransportCaAsync(cluster, reporter, token));
        if (OutFile is not null)
        {
            var path = GetUnresolvedProviderPathFromPSPath(OutFile);
            try
            {
                // Replaced as node files are (temporary beside it, renamed over it): a node reading the file while
                // it is written sees the old CA or the new one, never a part, and its owner and mode stay.
                Engine.NodeConfig.ReplaceFile(path, System.Text.Encoding.ASCII.GetBytes(ca.Pem));
            }
            catch (EckRemoteClusterException ex) when (ex.ErrorId is ErrorIds.NodeConfigWriteFailed or ErrorIds.NodeConfigAccessDenied)
            {
                ThrowTerminating(new EckRemoteClusterException(
                    ErrorIds.TransportCaWriteFailed,
                    EckErrorCategory.WriteError,
                    $"The CA could not be written to '{path}': {ex.InnerException?.Message ?? ex.Message}",
                    "Give a path in a folder you may write to.",
                    path,
                    ex));
            }

            WriteVerbose($"Wrote {ca.Certificates.Length} CA certificate(s) to {path}.");
            ca = new EckCertificateAuthority(ca.Cluster, ca.Namespace, ca.Context, ca.Certificates, ca.Pem, path);
        }

        WriteObject(ca);
    }
}
