using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Tests.NodeConfig;

public class ElasticsearchYmlReaderTests
{
    [Fact]
    public void Read_FlattensFlatNestedAndMixedKeys()
    {
        const string yml = """
            cluster.name: prod
            node:
              name: node-1
            xpack.security:
              transport.ssl:
                enabled: true
            discovery.seed_hosts: [ "10.0.0.1:9300", '10.0.0.2:9300' ]
            cluster.initial_master_nodes:
              - node-1
              - "node-2"
            path.logs:
            """;

        var settings = ElasticsearchYmlReader.Read(yml);

        Assert.Equal(
            ["cluster.name", "node.name", "xpack.security.transport.ssl.enabled", "discovery.seed_hosts", "cluster.initial_master_nodes", "path.logs"],
            settings.Keys);
        Assert.Equal("prod", settings["cluster.name"].Scalar);
        Assert.Equal("node-1", settings["node.name"].Scalar);
        Assert.Equal("true", settings["xpack.security.transport.ssl.enabled"].Scalar);
        Assert.Equal(YmlSettingValue.FromList(["10.0.0.1:9300", "10.0.0.2:9300"]), settings["discovery.seed_hosts"]);
        Assert.Equal(YmlSettingValue.FromList(["node-1", "node-2"]), settings["cluster.initial_master_nodes"]);
        Assert.Null(settings["path.logs"].Scalar);
        Assert.False(settings["path.logs"].IsList);
    }

    [Fact]
    public void ReadAsArrays_GivesScalarsAsOneItem()
    {
        var settings = ElasticsearchYmlReader.ReadAsArrays("a.b: x\nc: [ y, z ]\nd:\n");
        Assert.Equal(["x"], settings["a.b"]);
        Assert.Equal(["y", "z"], settings["c"]);
        Assert.Empty(settings["d"]);
    }

    [Theory]
    [InlineData("cluster.name: a\ncluster:\n  name: b\n", "cluster.name", 1, 3)]
    [InlineData("xpack:\n  security.enabled: true\nxpack.security.enabled: false\n", "xpack.security.enabled", 2, 3)]
    [InlineData("a: 1\nb: 2\na: 3\n", "a", 1, 3)]
    public void Read_DuplicateSetting_IsAnError(string yml, string key, int first, int second)
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchYmlReader.Read(yml));
        Assert.Equal("ElasticsearchYmlDuplicateSetting", e.ErrorId);
        Assert.Contains($"[{key}]", e.Message);
        Assert.Contains($"lines {first} and {second}", e.Message);
    }

    [Fact]
    public void Read_BadYaml_ReportsLineAndColumn()
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchYmlReader.Read("cluster.name: a\nnode.name: [unclosed\npath.data: x\n"));
        Assert.Equal("ElasticsearchYmlInvalid", e.ErrorId);
        Assert.Equal(EckErrorCategory.InvalidData, e.Category);
        Assert.Matches(@"line \d+, column \d+", e.Message);
    }

    [Fact]
    public void Read_BadIndentation_ReportsItsLine()
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchYmlReader.Read("a:\n  b: 1\n c: 2\n"));
        Assert.Equal("ElasticsearchYmlInvalid", e.ErrorId);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void Read_ListOfMaps_IsRejectedAsEsDoes()
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchYmlReader.Read("a:\n  - b: 1\n"));
        Assert.Equal("ElasticsearchYmlInvalid", e.ErrorId);
        Assert.Contains("only value lists are allowed", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n")]
    [InlineData("---\n")]
    public void Read_NoSettings_IsEmpty(string yml)
    {
        Assert.Empty(ElasticsearchYmlReader.Read(yml));
    }

    [Fact]
    public void Read_TopLevelList_IsInvalid()
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => ElasticsearchYmlReader.Read("- a\n- b\n"));
        Assert.Equal("ElasticsearchYmlInvalid", e.ErrorId);
    }
}
