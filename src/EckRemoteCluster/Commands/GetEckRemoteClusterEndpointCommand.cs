using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Shows where an ECK cluster's remote cluster server is reachable from outside Kubernetes.</summary>
[Cmdlet(VerbsCommon.Get, "EckRemoteClusterEndpoint")]
[OutputType(typeof(EckRemoteClusterEndpoint))]
public sealed class GetEckRemoteClusterEndpointCommand : EckClusterCmdlet
{
    protected override void ProcessRecordCore()
    {
        var cluster = ReadCluster();
        var endpoints = RunWithReporting((reporter, token) => Engine.Eck.GetEndpointsAsync(cluster, reporter, token));
        if (endpoints.Count == 0)
        {
            WriteError(ErrorRecords.From(new EckRemoteClusterException(
                ErrorIds.RemoteClusterServerNotPublished,
                EckErrorCategory.ObjectNotFound,
                cluster.RemoteClusterServerEnabled
                    ? $"The remote cluster server of {cluster} is not reachable from outside Kubernetes (no LoadBalancer or NodePort service with an address)."
                    : $"The remote cluster server of {cluster} is not enabled.",
                cluster.RemoteClusterServerEnabled
                    ? "Publish it: Get-EckCluster -Name " + cluster.Name + " -Namespace " + cluster.Namespace + " | Publish-EckRemoteClusterServer -Type LoadBalancer"
                    : "Enable and publish it: Get-EckCluster -Name " + cluster.Name + " -Namespace " + cluster.Namespace + " | Enable-EckRemoteClusterServer -Wait | Publish-EckRemoteClusterServer",
                cluster)));
            return;
        }

        WriteObject(endpoints, enumerateCollection: true);
    }
}
