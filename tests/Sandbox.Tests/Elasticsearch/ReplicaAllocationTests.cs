using Sandbox.Elasticsearch;
using Sandbox.Elasticsearch.State;
using Xunit;

namespace Sandbox.Tests.Elasticsearch;

/// <summary>Cluster health through a rolling restart, as EnableAllocationDecider decides it.</summary>
public class ReplicaAllocationTests
{
    private static readonly SortedDictionary<string, SettingValue> None = new(StringComparer.Ordinal);

    private static (ClusterState State, ReplicaAllocation Allocation) NewCluster()
    {
        var state = new ClusterState("c", EsVersion.Parse("9.1.0"), "pw");
        return (state, new ReplicaAllocation(state));
    }

    private static void SetPersistent(ClusterState state, string? value)
    {
        var persistent = new SortedDictionary<string, SettingValue>(StringComparer.Ordinal);
        if (value is not null)
        {
            persistent[ReplicaAllocation.EnableSetting] = SettingValue.Of(value);
        }

        state.ReplaceSettings(persistent, None, [ReplicaAllocation.EnableSetting]);
    }

    [Fact]
    public void A_node_leaving_a_multi_node_cluster_turns_it_yellow_until_it_is_back()
    {
        var (_, allocation) = NewCluster();
        allocation.NodeLeft(nodesInCluster: 2);
        Assert.Equal("yellow", allocation.Status(everyNodeRunning: false));
        Assert.Equal("green", allocation.Status(everyNodeRunning: true));
    }

    [Fact]
    public void With_allocation_limited_to_primaries_the_cluster_stays_yellow_after_the_node_is_back()
    {
        var (state, allocation) = NewCluster();
        SetPersistent(state, "primaries");
        allocation.NodeLeft(nodesInCluster: 3);
        Assert.Equal("yellow", allocation.Status(everyNodeRunning: true));
        SetPersistent(state, null);
        Assert.Equal("green", allocation.Status(everyNodeRunning: true));
    }

    [Fact]
    public void A_single_node_cluster_has_no_replicas_to_lose()
    {
        var (_, allocation) = NewCluster();
        allocation.NodeLeft(nodesInCluster: 1);
        Assert.Equal("green", allocation.Status(everyNodeRunning: false));
    }

    [Theory]
    [InlineData("all", true)]
    [InlineData("PRIMARIES", true)]
    [InlineData("new_primaries", true)]
    [InlineData("none", true)]
    [InlineData("replicas", false)]
    public void Only_the_four_allocation_values_are_legal(string value, bool legal) =>
        Assert.Equal(legal, ReplicaAllocation.IsValid(value));
}
