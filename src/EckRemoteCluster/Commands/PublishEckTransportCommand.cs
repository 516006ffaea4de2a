using System.Collections;
using System.Management.Automation;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Exposes an ECK cluster's transport interface (port 9300, TLS-certificate model) outside Kubernetes through
/// spec.transport.service (LoadBalancer or NodePort) and returns the endpoint the local cluster connects to.
/// A separate cmdlet from Publish-EckRemoteClusterServer: another interface, Service and port, and no remote
/// cluster server needed.
/// </summary>
[Cmdlet(VerbsData.Publish, "EckTransport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EckTransportEndpoint))]
public sealed class PublishEckTransportCommand : EckClusterCmdlet
{
    [Parameter]
    public EckServiceType Type { get; set; } = EckServiceType.LoadBalancer;

    /// <summary>The external port; 9300 by default. The service always targets the pods' port 9300.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 9300;

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
        var plan = RunWithReporting((reporter, token) => Engine.Eck.PlanTransportPublishAsync(cluster, request, reporter, token));
        if (!plan.ChangesNothing && !ShouldProcess($"Elasticsearch {cluster} (context {cluster.Context ?? "in-cluster"})", plan.Description))
        {
            return;
        }

        WriteObject(RunWithReporting((reporter, token) => Engine.Eck.PublishTransportAsync(plan, Timeout, reporter, token)));
    }
}
