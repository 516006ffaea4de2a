using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Eck;

namespace EckRemoteCluster.Tests.Eck;

public sealed class ServiceTemplatesTests
{
    private static readonly PublishRequest NodePort = new(EckInterface.RemoteClusterServer, EckServiceType.NodePort, 9443, new Dictionary<string, string>(), []);

    [Fact]
    public void TemplateWrittenForTheRequestSatisfiesIt()
    {
        var written = new JsonObject { ["metadata"] = ServiceTemplates.Metadata(NodePort), ["spec"] = ServiceTemplates.Spec(NodePort) };

        Assert.True(ServiceTemplates.Satisfies(written, NodePort));
        Assert.True(ServiceTemplates.IsManagedByModule(written));
    }

    [Fact]
    public void AnotherTypePortRangeOrMissingAnnotationDoesNot()
    {
        var written = new JsonObject { ["metadata"] = ServiceTemplates.Metadata(NodePort), ["spec"] = ServiceTemplates.Spec(NodePort) };

        Assert.False(ServiceTemplates.Satisfies(written, NodePort with { Type = EckServiceType.LoadBalancer }));
        Assert.False(ServiceTemplates.Satisfies(written, NodePort with { Port = 19443 }));
        Assert.False(ServiceTemplates.Satisfies(written, NodePort with { LoadBalancerSourceRanges = ["10.0.0.0/8"] }));
        Assert.False(ServiceTemplates.Satisfies(written, NodePort with { Annotations = new Dictionary<string, string> { ["a"] = "b" } }));
        Assert.False(ServiceTemplates.Satisfies(null, NodePort));
    }

    [Fact]
    public void TargetPortIsAlways9443WhateverTheExternalPort()
    {
        var spec = ServiceTemplates.Spec(NodePort with { Port = 443 });

        Assert.Equal(443, (int?)spec["ports"]![0]!["port"]);
        Assert.Equal(9443, (int?)spec["ports"]![0]!["targetPort"]);
        Assert.Null(spec["selector"]);
        Assert.Null(spec["loadBalancerSourceRanges"]);
    }

    [Fact]
    public void ThePatchRemovesSourceRangesAnEarlierPublishSetWhenTheRequestHasNone()
    {
        // A merge patch keeps every key it leaves out: source ranges it does not null stay, and the next plan differs again.
        var patch = ServiceTemplates.SpecPatch(NodePort);
        Assert.True(patch.ContainsKey("loadBalancerSourceRanges"));
        Assert.Null(patch["loadBalancerSourceRanges"]);

        var withRanges = ServiceTemplates.SpecPatch(NodePort with { LoadBalancerSourceRanges = ["10.20.0.0/16"] });
        Assert.Equal("10.20.0.0/16", (string?)withRanges["loadBalancerSourceRanges"]![0]);
    }

    [Fact]
    public void AServiceWithoutTheLabelIsNotTheModules() =>
        Assert.False(ServiceTemplates.IsManagedByModule(JsonNode.Parse("""{"metadata":{"labels":{"app.kubernetes.io/managed-by":"someone"}}}""")));
}
