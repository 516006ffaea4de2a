using System.Management.Automation;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Makes every node of the local cluster trust the remote cluster's CA for API-key connections: writes
/// remote-cluster-ca.crt into each config directory and the xpack.security.remote_cluster_client.ssl settings into
/// elasticsearch.yml, keeping the file's comments, order and auto-configuration block. With -SecurityModel
/// Certificate the CA is trusted for transport connections instead: added to the PEM certificate_authorities
/// (remote-transport-ca.crt) or, on nodes that use a PKCS#12 truststore, into that truststore. It is the same step
/// of the workflow with the same inputs and report, so it is a parameter rather than a second cmdlet.
/// </summary>
[Cmdlet(VerbsCommon.Add, "RemoteClusterTrust", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RemoteClusterTrustResult))]
public sealed class AddRemoteClusterTrustCommand : NodeFilesCmdlet
{
    /// <summary>The remote's CA: an EckCertificateAuthority, X509Certificate2 objects, or a PEM file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object CertificateAuthority { get; set; } = null!;

    /// <summary>ApiKey (default): remote_cluster_client TLS, port 9443. Certificate: transport TLS, port 9300.</summary>
    [Parameter]
    public RemoteClusterSecurityModel SecurityModel { get; set; } = RemoteClusterSecurityModel.ApiKey;

    private protected override void ProcessNodes(NodeSelection selection)
    {
        var certificates = CertificateInputs.Resolve(this, CertificateAuthority);
        CertificateAuthorityChecks.EnsureUsable(certificates, DateTimeOffset.UtcNow);
        var directories = selection.Resolve(this);

        var scope = SecurityModel == RemoteClusterSecurityModel.Certificate ? TrustScope.Transport : TrustScope.RemoteClusterClient;
        using var batch = Engine.NodeConfig.PlanTrust(directories, CertificateAuthorityChecks.ToPem(certificates), scope, KeystorePassword);
        WriteRecovered(batch.Recovered);
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
        var action = scope == TrustScope.Transport
            ? "Trust the remote cluster's transport CA (certificate_authorities or PKCS#12 truststore)"
            : "Trust the remote cluster's CA (remote-cluster-ca.crt, elasticsearch.yml)";
        if (!ShouldProcess(target, action))
        {
            return;
        }

        foreach (var result in batch.Save(action))
        {
            if (result.RestartRequired)
            {
                WriteWarning($"{result.ConfigPath}: restart this node to apply {string.Join(", ", result.ChangedSettings)} (static settings).");
            }

            WriteObject(result);
        }
    }
}
