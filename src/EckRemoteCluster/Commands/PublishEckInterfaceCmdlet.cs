using System.Collections;
using System.Management.Automation;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Shared by Publish-EckRemoteClusterServer and Publish-EckTransport: plan, do nothing when the interface is already
/// published as asked, otherwise write the Service template (ShouldProcess), then wait for an address that accepts
/// connections and return it as an endpoint that pipes into Connect-RemoteCluster.
/// </summary>
public abstract class PublishEckInterfaceCmdlet : EckClusterCmdlet
{
    private protected PublishEckInterfaceCmdlet(int defaultPort) => Port = defaultPort;

    [Parameter]
    public EckServiceType Type { get; set; } = EckServiceType.LoadBalancer;

    /// <summary>The external port; by default the port the interface listens on in the pods, which the service always targets.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>Annotations for the service (load balancer settings of your cloud, e.g. an internal load balancer).</summary>
    [Parameter]
    public Hashtable? Annotation { get; set; }

    /// <summary>CIDR ranges allowed to reach the load balancer (the local cluster's addresses).</summary>
    [Parameter]
    public string[]? LoadBalancerSourceRange { get; set; }

    /// <summary>How long to wait for the load balancer's address; 5 minutes by default.</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>-InputObject: described for users once, in docs/en-US/parameters.md.</summary>
    [Parameter(ValueFromPipeline = true)]
    public EckCluster? InputObject { get; set; }

    private protected abstract EckInterface Interface { get; }

    protected override void ProcessRecordCore()
    {
        var cluster = PipedOrReadCluster(InputObject);
        var annotations = Annotation?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? string.Empty)
            ?? new Dictionary<string, string>();
        var request = new PublishRequest(Interface, Type, Port, annotations, LoadBalancerSourceRange ?? []);
        var plan = RunWithReporting((reporter, token) => Engine.Eck.PlanPublishAsync(cluster, request, reporter, token));
        if (!plan.ChangesNothing && !ShouldProcess($"Elasticsearch {cluster} (context {cluster.Context ?? "in-cluster"})", plan.Description))
        {
            return;
        }

        WriteObject(RunWithReporting((reporter, token) => Engine.Eck.PublishAsync(plan, Timeout, reporter, token)));
    }
}

/// <summary>
/// Shared by Unpublish-EckRemoteClusterServer and Unpublish-EckTransport: removes what the matching Publish- cmdlet
/// wrote (the template it labelled, or its own Service) and leaves anything it did not write alone.
/// </summary>
public abstract class UnpublishEckInterfaceCmdlet : EckClusterCmdlet
{
    private protected abstract EckInterface Interface { get; }

    protected override void ProcessRecordCore()
    {
        var cluster = ReadCluster();
        var plan = RunWithReporting((reporter, token) => Engine.Eck.PlanUnpublishAsync(cluster, Interface, reporter, token));
        if (plan is null)
        {
            WriteVerbose($"Nothing published by this module for {cluster}; nothing to remove.");
            return;
        }

        if (ShouldProcess($"Elasticsearch {cluster} (context {cluster.Context ?? "in-cluster"})", plan.Description))
        {
            RunWithReporting(async (reporter, token) =>
            {
                await Engine.Eck.UnpublishAsync(plan, reporter, token).ConfigureAwait(false);
                return true;
            });
        }
    }
}
