using System.Management.Automation;
using EckRemoteCluster.Engine;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Makes every node of the local cluster trust the remote cluster's CA for API-key connections: writes
/// remote-cluster-ca.crt into each config directory and the xpack.security.remote_cluster_client.ssl settings into
/// elasticsearch.yml, keeping the file's comments, order and auto-configuration block.
/// </summary>
[Cmdlet(VerbsCommon.Add, "RemoteClusterTrust", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RemoteClusterTrustResult))]
public sealed class AddRemoteClusterTrustCommand : EckCmdlet
{
    /// <summary>The remote's CA: an EckCertificateAuthority, X509Certificate2 objects, or a PEM file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object CertificateAuthority { get; set; } = null!;

    /// <summary>The config directory of every node of the local cluster.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] ConfigPath { get; set; } = [];

    protected override void ProcessRecordCore()
    {
        var certificates = CertificateInputs.Resolve(this, CertificateAuthority);
        CertificateAuthorityChecks.EnsureUsable(certificates, DateTimeOffset.UtcNow);
        var directories = ProviderPaths.ResolveDirectories(this, ConfigPath).ToList();
        if (directories.Count != ConfigPath.Length)
        {
            return;
        }

        var batch = Engine.NodeConfig.PlanTrust(directories, CertificateAuthorityChecks.ToPem(certificates), TrustScope.RemoteClusterClient);
        var changes = batch.Plan.Where(p => p.CaFileChange != FileChange.Unchanged || p.ChangedSettings.Count > 0).ToList();
        if (changes.Count == 0)
        {
            WriteVerbose("Every node already trusts this CA; nothing to write.");
            WriteObject(batch.Plan, enumerateCollection: true);
            return;
        }

        foreach (var change in changes)
        {
            WriteVerbose($"{change.ConfigPath}: CA file {change.CaFileChange.ToString().ToLowerInvariant()}, settings changed: {string.Join(", ", change.ChangedSettings)}.");
        }

        var target = string.Join(", ", changes.Select(c => c.ConfigPath));
        if (!ShouldProcess(target, "Trust the remote cluster's CA (remote-cluster-ca.crt, elasticsearch.yml)"))
        {
            return;
        }

        foreach (var result in batch.Save())
        {
            if (result.RestartRequired)
            {
                WriteWarning($"{result.ConfigPath}: restart this node to apply {string.Join(", ", result.ChangedSettings)} (static settings).");
            }

            WriteObject(result);
        }
    }
}
