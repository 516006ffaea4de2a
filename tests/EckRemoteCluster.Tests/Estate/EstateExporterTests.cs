using System.Text.Json.Nodes;
using EckRemoteCluster.Engine.Estate;

namespace EckRemoteCluster.Tests.Estate;

/// <summary>Export writes a role only when an estate role describes all of it: what lies beyond is named, and the role left out.</summary>
public sealed class EstateExporterTests
{
    private static JsonObject RemoteIndices() => new() { ["clusters"] = new JsonArray("eck"), ["names"] = new JsonArray("logs-*"), ["privileges"] = new JsonArray("read") };

    [Fact]
    public void ARoleOfRemoteIndicesAndRemoteClusterPrivilegesAloneHasNothingBeyond()
    {
        var indices = RemoteIndices();
        var role = new JsonObject
        {
            ["cluster"] = new JsonArray(),
            ["indices"] = new JsonArray(),
            ["remote_indices"] = new JsonArray(indices),
            ["remote_cluster"] = new JsonArray(new JsonObject { ["clusters"] = new JsonArray("eck"), ["privileges"] = new JsonArray("monitor_enrich") }),
            ["metadata"] = new JsonObject(),
        };

        Assert.Null(EstateExporter.Beyond(role, indices));
    }

    [Fact]
    public void LocalPrivilegesAQueryFieldSecurityAndRestrictedIndicesAreNamed()
    {
        var indices = RemoteIndices();
        indices["query"] = "{\"term\":{\"team\":\"a\"}}";
        indices["field_security"] = new JsonObject { ["grant"] = new JsonArray("*") };
        indices["allow_restricted_indices"] = true;
        var role = new JsonObject
        {
            ["cluster"] = new JsonArray("monitor"),
            ["indices"] = new JsonArray(new JsonObject { ["names"] = new JsonArray("local-*"), ["privileges"] = new JsonArray("read") }),
            ["run_as"] = new JsonArray("someone"),
            ["remote_indices"] = new JsonArray(indices),
        };

        Assert.Equal("cluster, indices, run_as, remote_indices.query, remote_indices.field_security, remote_indices.allow_restricted_indices",
            EstateExporter.Beyond(role, indices));
    }
}
