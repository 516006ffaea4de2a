using System.Management.Automation;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Makes an ECK cluster trust a self-managed cluster's transport CA (TLS-certificate model): the CA goes into key
/// ca.crt of the ConfigMap named by spec.transport.tls.certificateAuthorities.configMapName (added to the CAs a
/// referenced ConfigMap already holds, or in a new ConfigMap the spec is then pointed at).
/// </summary>
[Cmdlet(VerbsCommon.Add, "EckTransportTrust", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EckTransportTrust))]
public sealed class AddEckTransportTrustCommand : EckClusterCmdlet
{
    /// <summary>The self-managed cluster's transport CA: Get-ElasticsearchTransportCa's output, X509Certificate2 objects, or a PEM file.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object CertificateAuthority { get; set; } = null!;

    /// <summary>Waits until ECK has rolled the change out (phase Ready at the new generation).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>How long -Wait waits; 20 minutes by default.</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(20);

    protected override void ProcessRecordCore()
    {
        var certificates = CertificateInputs.Resolve(this, CertificateAuthority);
        CertificateAuthorityChecks.EnsureUsable(certificates, DateTimeOffset.UtcNow);
        var pem = CertificateAuthorityChecks.ToPem(certificates);
        var cluster = ReadCluster();
        var plan = RunWithReporting((reporter, token) => Engine.Eck.PlanTransportTrustAsync(cluster, pem, reporter, token));
        EckTransportTrust result;
        if (plan.ChangesNothing)
        {
            WriteVerbose(plan.Description);
            result = TransportTrustResults.Unchanged(plan, cluster);
        }
        else if (ShouldProcess($"Elasticsearch {cluster} (context {cluster.Context ?? "in-cluster"})", plan.Description))
        {
            result = RunWithReporting((reporter, token) => Engine.Eck.AddTransportTrustAsync(plan, reporter, token));
        }
        else
        {
            return;
        }

        if (Wait)
        {
            var ready = RunWithReporting((reporter, token) => Engine.Eck.GetClusterAsync(Target, cluster.Namespace, cluster.Name, reporter, token));
            ready = RunWithReporting((reporter, token) => Engine.Eck.WaitForReadyAsync(ready, Timeout, reporter, token));
            result = TransportTrustResults.WithCluster(result, ready);
        }

        WriteObject(result);
    }
}

internal static class TransportTrustResults
{
    public static EckTransportTrust Unchanged(TransportTrustPlan plan, EckCluster cluster) =>
        new(cluster, plan.ConfigMapName, FileChange.Unchanged, false, plan.RequestedFingerprints);

    public static EckTransportTrust WithCluster(EckTransportTrust result, EckCluster cluster) =>
        new(cluster, result.ConfigMapName, result.ConfigMapChange, result.SpecChanged, result.Sha256Fingerprint);
}
