using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Tests.NodeConfig;

public class ElasticsearchYmlEditorTests
{
    private const string CaKey = "xpack.security.remote_cluster_client.ssl.certificate_authorities";
    private const string SslKey = "xpack.security.remote_cluster_client.ssl.enabled";

    /// <summary>The shape of an elasticsearch.yml after an 8.x package install: template comments and the auto-config block.</summary>
    private const string PackageYml = """
        # ======================== Elasticsearch Configuration =========================
        #
        # ---------------------------------- Cluster -----------------------------------
        #
        cluster.name: my-application
        #
        # ----------------------------------- Paths ------------------------------------
        #
        path.data: /var/lib/elasticsearch
        path.logs: /var/log/elasticsearch

        #----------------------- BEGIN SECURITY AUTO CONFIGURATION -----------------------
        #
        # The following settings, TLS certificates, and keys have been automatically
        # generated to configure Elasticsearch security features on 29-11-2025 10:00:00
        #
        # --------------------------------------------------------------------------------

        # Enable security features
        xpack.security.enabled: true

        xpack.security.enrollment.enabled: true

        # Enable encryption and mutual authentication between cluster nodes
        xpack.security.transport.ssl:
          enabled: true
          verification_mode: certificate
          keystore.path: certs/transport.p12
          truststore.path: certs/transport.p12
        # Create a new cluster with the current node only
        cluster.initial_master_nodes: ["node-1"]

        # Allow HTTP API connections from anywhere
        http.host: 0.0.0.0

        #----------------------- END SECURITY AUTO CONFIGURATION -------------------------

        """;

    private static string AutoConfigBlock(string text)
    {
        int begin = text.IndexOf("#----------------------- BEGIN", StringComparison.Ordinal);
        int end = text.IndexOf("#----------------------- END", StringComparison.Ordinal);
        return text[begin..text.IndexOf('\n', end)];
    }

    [Fact]
    public void Set_NewKeys_AppendFlatAfterTheAutoConfigBlock_LeavingEverythingElseByteForByte()
    {
        var editor = new ElasticsearchYmlEditor(PackageYml);

        Assert.True(editor.Set(SslKey, "true"));
        Assert.True(editor.Set(CaKey, ["remote-cluster-ca.crt"]));

        Assert.Equal(
            PackageYml + "\n" + SslKey + ": true\n" + CaKey + ": [ \"remote-cluster-ca.crt\" ]\n",
            editor.Text);
        Assert.True(editor.Changed);
        Assert.Equal(YmlSettingValue.FromList(["remote-cluster-ca.crt"]), editor.Settings[CaKey]);
    }

    [Fact]
    public void Set_SameValueAgain_ReportsNoChange()
    {
        var editor = new ElasticsearchYmlEditor(PackageYml);
        editor.Set(CaKey, ["remote-cluster-ca.crt"]);
        string once = editor.Text;

        var again = new ElasticsearchYmlEditor(once);
        Assert.False(again.Set(CaKey, ["remote-cluster-ca.crt"]));
        Assert.False(again.Changed);
        Assert.Equal(once, again.Text);
    }

    [Fact]
    public void Set_ScalarTrueMatchesPlainTrue_NoChange()
    {
        var editor = new ElasticsearchYmlEditor("xpack.security.enabled: true\n");
        Assert.False(editor.Set("xpack.security.enabled", "true"));
    }

    [Fact]
    public void Set_KeyInsideAutoConfigBlock_IsUpdatedInPlace()
    {
        var editor = new ElasticsearchYmlEditor(PackageYml);

        Assert.True(editor.Set("xpack.security.transport.ssl.verification_mode", "full"));

        Assert.Equal(PackageYml.Replace("verification_mode: certificate", "verification_mode: full"), editor.Text);
    }

    [Fact]
    public void Set_NewKey_GoesRightAfterAFlatSibling()
    {
        const string yml = """
            cluster.name: c
            xpack.security.remote_cluster_client.ssl.enabled: true
            # other settings
            http.port: 9200
            """;
        var editor = new ElasticsearchYmlEditor(yml);

        editor.Set(CaKey, ["ca.crt"]);

        Assert.Equal(
            "cluster.name: c\nxpack.security.remote_cluster_client.ssl.enabled: true\n"
            + CaKey + ": [ \"ca.crt\" ]\n# other settings\nhttp.port: 9200",
            editor.Text);
    }

    [Fact]
    public void Set_SiblingOnlyInsideAutoConfigBlock_IsNotUsedAsAnchor()
    {
        const string yml = "#----------------------- BEGIN SECURITY AUTO CONFIGURATION -----------------------\n"
            + "xpack.security.http.ssl.enabled: true\n"
            + "#----------------------- END SECURITY AUTO CONFIGURATION -------------------------\n";
        var editor = new ElasticsearchYmlEditor(yml);

        editor.Set("xpack.security.http.ssl.verification_mode", "full");

        Assert.Equal(yml + "\nxpack.security.http.ssl.verification_mode: full\n", editor.Text);
    }

    [Fact]
    public void Set_NestedKey_IsUpdatedWhereItIs()
    {
        const string yml = """
            xpack:
              security:
                remote_cluster_client:
                  ssl:
                    enabled: false   # turned off while testing
                    certificate_authorities: [ "old.crt" ]
            cluster.name: c
            """;
        var editor = new ElasticsearchYmlEditor(yml);

        editor.Set(SslKey, "true");
        editor.Set(CaKey, ["remote-cluster-ca.crt", "second.crt"]);

        Assert.Equal(
            yml.Replace("enabled: false", "enabled: true").Replace("[ \"old.crt\" ]", "[ \"remote-cluster-ca.crt\", \"second.crt\" ]"),
            editor.Text);
    }

    [Fact]
    public void Set_MixedKey_IsUpdatedWhereItIs()
    {
        const string yml = "xpack.security:\n  transport.ssl.enabled: false\n  enabled: true\n";
        var editor = new ElasticsearchYmlEditor(yml);

        editor.Set("xpack.security.transport.ssl.enabled", "true");

        Assert.Equal("xpack.security:\n  transport.ssl.enabled: true\n  enabled: true\n", editor.Text);
    }

    [Fact]
    public void Set_BlockList_KeepsBlockStyleIndentationAndComments()
    {
        const string yml = """
            discovery.seed_hosts:
                - "host1:9300"   # rack a
                # rack b follows
                - "host2:9300"
            cluster.name: c
            """;
        var editor = new ElasticsearchYmlEditor(yml);

        editor.Set("discovery.seed_hosts", ["host1:9300", "host3:9300", "host4:9300"]);

        Assert.Equal(
            "discovery.seed_hosts:\n    - \"host1:9300\"   # rack a\n    # rack b follows\n    - \"host3:9300\"\n    - \"host4:9300\"\ncluster.name: c",
            editor.Text);
    }

    [Fact]
    public void Set_BlockList_Shorter_DropsSurplusItemLines()
    {
        var editor = new ElasticsearchYmlEditor("a:\n- x\n- y\n- z\nb: 1\n");
        editor.Set("a", ["x"]);
        Assert.Equal("a:\n- x\nb: 1\n", editor.Text);
    }

    [Fact]
    public void Set_BlockList_AtEndOfFileWithoutNewline_AppendsItems()
    {
        var editor = new ElasticsearchYmlEditor("a:\n  - x");
        editor.Set("a", ["x", "y"]);
        Assert.Equal("a:\n  - x\n  - y\n", editor.Text);
    }

    [Fact]
    public void Set_FlowList_KeepsItsStyle()
    {
        var editor = new ElasticsearchYmlEditor("cluster.initial_master_nodes: ['node-1']\n");
        editor.Set("cluster.initial_master_nodes", ["node-1", "it's"]);
        Assert.Equal("cluster.initial_master_nodes: ['node-1', 'it''s']\n", editor.Text);
    }

    [Theory]
    [InlineData("k: \"old\"  # c\n", "k: \"new value\"  # c\n")]
    [InlineData("k: 'old'\n", "k: 'new value'\n")]
    [InlineData("k: old\n", "k: \"new value\"\n")]
    [InlineData("k:\n", "k: \"new value\"\n")]
    [InlineData("k: ~\n", "k: \"new value\"\n")]
    public void Set_Scalar_KeepsQuotingAndTrailingComments(string yml, string expected)
    {
        var editor = new ElasticsearchYmlEditor(yml);
        editor.Set("k", "new value");
        Assert.Equal(expected, editor.Text);
    }

    [Theory]
    [InlineData("on")]
    [InlineData("010")]
    [InlineData("null")]
    [InlineData("a: b")]
    [InlineData("#x")]
    [InlineData("")]
    [InlineData(".inf")]
    [InlineData("C:\\certs\\ca.crt")]
    [InlineData("line1\nline2")]
    public void Set_AwkwardValues_ReadBackExactly(string value)
    {
        var editor = new ElasticsearchYmlEditor("k: plain\n");
        editor.Set("k", value);
        editor.Set("n", value);
        Assert.Equal(value, ElasticsearchYmlReader.Read(editor.Text)["k"].Scalar);
        Assert.Equal(value, ElasticsearchYmlReader.Read(editor.Text)["n"].Scalar);
    }

    [Fact]
    public void Set_ScalarToList_AndListToScalar()
    {
        var editor = new ElasticsearchYmlEditor("a: x # keep\nb:\n  - y\n  - z\nc: 1\n");

        editor.Set("a", ["x", "y"]);
        editor.Set("b", "w");

        Assert.Equal("a: [ \"x\", \"y\" ] # keep\nb: w\nc: 1\n", editor.Text);
    }

    [Fact]
    public void Set_CrLfFile_KeepsCrLf()
    {
        var editor = new ElasticsearchYmlEditor("a: 1\r\nb:\r\n  - x\r\n");
        editor.Set("b", ["x", "y"]);
        editor.Set("c", "z");
        Assert.Equal("a: 1\r\nb:\r\n  - x\r\n  - y\r\nc: z\r\n", editor.Text);
    }

    [Fact]
    public void Set_FileWithoutTrailingNewline_GetsOneBeforeTheNewKey()
    {
        var editor = new ElasticsearchYmlEditor("cluster.name: c");
        editor.Set("node.name", "n");
        Assert.Equal("cluster.name: c\nnode.name: n\n", editor.Text);
    }

    [Fact]
    public void Set_EmptyFile_WritesTheKey()
    {
        var editor = new ElasticsearchYmlEditor("");
        editor.Set(SslKey, "true");
        Assert.Equal(SslKey + ": true\n", editor.Text);
    }

    [Fact]
    public void Set_InsideFlowMapping_IsRefusedWithoutChangingTheText()
    {
        const string yml = "xpack.security: { enabled: true }\n";
        var editor = new ElasticsearchYmlEditor(yml);

        var e = Assert.Throws<EckRemoteClusterException>(() => editor.Set("xpack.security.enabled", "false"));

        Assert.Equal("ElasticsearchYmlEditFailed", e.ErrorId);
        Assert.Equal(yml, editor.Text);
    }

    [Fact]
    public void Set_InvalidKey_IsRejected()
    {
        var editor = new ElasticsearchYmlEditor("");
        var e = Assert.Throws<EckRemoteClusterException>(() => editor.Set("a..b", "x"));
        Assert.Equal("InvalidSettingKey", e.ErrorId);
    }

    [Fact]
    public void Constructor_DuplicateSetting_IsRefused()
    {
        var e = Assert.Throws<EckRemoteClusterException>(() => new ElasticsearchYmlEditor("a.b: 1\na:\n  b: 2\n"));
        Assert.Equal("ElasticsearchYmlDuplicateSetting", e.ErrorId);
    }

    [Fact]
    public void Remove_FlatKey_RemovesItsLineOnly()
    {
        var editor = new ElasticsearchYmlEditor(PackageYml);
        editor.Set(CaKey, ["remote-cluster-ca.crt"]);

        Assert.True(editor.Remove(CaKey));

        Assert.Equal(PackageYml + "\n", editor.Text);
        Assert.False(editor.Settings.ContainsKey(CaKey));
    }

    [Fact]
    public void Remove_Missing_ReportsNoChange()
    {
        var editor = new ElasticsearchYmlEditor(PackageYml);
        Assert.False(editor.Remove(CaKey));
        Assert.False(editor.Changed);
    }

    [Fact]
    public void Remove_LastChildOfNestedBlock_RemovesTheEmptyParents_KeepingComments()
    {
        const string yml = """
            cluster.name: c
            xpack.security:
              # client side of the remote cluster interface
              remote_cluster_client:
                ssl.certificate_authorities:
                  - ca.crt
            node.name: n
            """;
        var editor = new ElasticsearchYmlEditor(yml);

        editor.Remove(CaKey);

        Assert.Equal("cluster.name: c\n  # client side of the remote cluster interface\nnode.name: n", editor.Text);
        Assert.Equal(["cluster.name", "node.name"], editor.Settings.Keys);
    }

    [Fact]
    public void Remove_OneOfSeveralNestedChildren_KeepsTheParent()
    {
        var editor = new ElasticsearchYmlEditor("xpack.security.transport.ssl:\n  enabled: true\n  verification_mode: certificate\n");
        editor.Remove("xpack.security.transport.ssl.verification_mode");
        Assert.Equal("xpack.security.transport.ssl:\n  enabled: true\n", editor.Text);
    }

    [Fact]
    public void Set_QuotedKey_IsFoundAndUpdated()
    {
        var editor = new ElasticsearchYmlEditor("\"cluster.name\": old\n");
        Assert.True(editor.Set("cluster.name", "new"));
        Assert.Equal("\"cluster.name\": new\n", editor.Text);
    }

    [Fact]
    public void Set_NullValueWithComment_KeepsTheComment()
    {
        var editor = new ElasticsearchYmlEditor("path.repo:   # shared file system\nnode.name: n\n");
        editor.Set("path.repo", ["/mnt/backups"]);
        Assert.Equal("path.repo: [ \"/mnt/backups\" ]   # shared file system\nnode.name: n\n", editor.Text);
    }

    [Fact]
    public void Set_BlockScalar_IsReplacedByAQuotedScalar()
    {
        var editor = new ElasticsearchYmlEditor("a: |\n  line\n# after\nb: 1\n");
        editor.Set("a", "x y");
        Assert.Equal("a: \"x y\"\n# after\nb: 1\n", editor.Text);
    }

    [Fact]
    public void Remove_EntryWithBlockListValue_RemovesAllItsLines()
    {
        var editor = new ElasticsearchYmlEditor("a: 1\nlist:\n  - x # first\n  - y\nb: 2\n");
        editor.Remove("list");
        Assert.Equal("a: 1\nb: 2\n", editor.Text);
    }

    [Fact]
    public void Edits_KeepAutoConfigBlockUntouched()
    {
        var editor = new ElasticsearchYmlEditor(PackageYml);
        editor.Set(SslKey, "true");
        editor.Set(CaKey, ["a.crt"]);
        editor.Set("cluster.name", "renamed");
        editor.Remove(SslKey);

        Assert.Equal(AutoConfigBlock(PackageYml), AutoConfigBlock(editor.Text));
        Assert.Equal("renamed", ElasticsearchYmlReader.Read(editor.Text)["cluster.name"].Scalar);
    }
}
