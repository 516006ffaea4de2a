using System.Collections;
using System.Management.Automation;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Exposes an ECK cluster's remote cluster server outside Kubernetes (LoadBalancer or NodePort) and returns the
/// endpoint the local cluster connects to. ECK 3.3+: spec.remoteClusterServer.service; older: a Service of its own.
/// </summary>
[Cmdlet(VerbsData.Publish, "EckRemoteClusterServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EckRemoteClusterEndpoint))]
public sealed class PublishEckRemoteClusterServerCommand : EckClusterCmdlet
{
    [Parameter]
    public EckServiceType Type { get; set; } = EckServiceType.LoadBalancer;

    /// <summary>The external port; 9443 by default. The service always targets the pods' port 9443.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 9443;

    /// <summary>Annotations for the service (load balancer settings of your cloud, e.g. an internal load balancer).</summary>
    [Parameter]
    public Hashtable? Annotation { get; set; }

    /// <summary>CIDR ranges allowed to reach the load balancer (the local cluster's addresses).</summary>
    [Parameter]
    public string[]? LoadBalancerSourceRange { get; set; }

    /// <summary>How long to wait for the load balancer's address; 5 minutes by default.</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    protected override void ProcessRecordCore()
    {
        var cluster = ReadCluster();
        var annotations = Annotation?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? string.Empty)
            ?? new Dictionary<string, string>();
        var request = new PublishRequest(Type, Port, annotations, LoadBalancerSourceRange ?? []);
        var plan = RunWithReporting((reporter, token) => Engine.Eck.PlanPublishAsync(cluster, request, reporter, token));
        if (!plan.ChangesNothing && !ShouldProcess($"Elasticsearch {cluster} (context {cluster.Context ?? "in-cluster"})", plan.Description))
        {
            return;
        }

        WriteObject(RunWithReporting((reporter, token) => Engine.Eck.PublishAsync(plan, Timeout, reporter, token)));
    }
}
