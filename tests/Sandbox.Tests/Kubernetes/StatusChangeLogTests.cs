using System.Text.Json.Nodes;
using Sandbox.Tests.Operator;

namespace Sandbox.Tests.Kubernetes;

/// <summary>The store's status-change log (control API GET /kubernetes/status-changes): status writes only, each stamped when committed.</summary>
public sealed class StatusChangeLogTests
{
    [Fact]
    public void A_status_write_is_logged_with_its_commit_time_resourceVersion_generation_and_status_and_a_spec_write_is_not()
    {
        var store = new ApiServerStore();
        var created = store.Create(Elasticsearch("logged"));
        var spec = created.DeepClone().AsObject();
        spec["spec"]!["nodeSets"]![0]!["count"] = 2;
        store.Update(spec);

        var before = DateTimeOffset.UtcNow;
        var withStatus = store.Get("Elasticsearch", "elastic", "logged")!;
        withStatus["status"] = new JsonObject { ["phase"] = "Ready", ["observedGeneration"] = 2 };
        var written = store.UpdateStatus(withStatus);
        var after = DateTimeOffset.UtcNow;

        var change = Assert.Single(store.Inner.StatusChanges("Elasticsearch", "elastic", "logged"));
        Assert.InRange(change.Time, before, after);
        Assert.Equal(long.Parse((string)written["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture), change.ResourceVersion);
        Assert.Equal(2, change.Generation);
        Assert.Equal("Ready", (string?)change.Status!["phase"]);
        Assert.Empty(store.Inner.StatusChanges("Elasticsearch", "elastic", "other"));
    }

    private static JsonObject Elasticsearch(string name) => new()
    {
        ["apiVersion"] = "elasticsearch.k8s.elastic.co/v1",
        ["kind"] = "Elasticsearch",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "elastic" },
        ["spec"] = new JsonObject
        {
            ["version"] = "9.1.0",
            ["nodeSets"] = new JsonArray(new JsonObject { ["name"] = "default", ["count"] = 3 }),
        },
    };
}
