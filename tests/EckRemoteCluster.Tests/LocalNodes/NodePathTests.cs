using EckRemoteCluster.Engine.LocalNodes;
using Xunit;

namespace EckRemoteCluster.Tests.LocalNodes;

/// <summary>
/// Paths in elasticsearch.yml resolved by the node's rules, not this machine's: a Windows node reached through a
/// session from Linux keeps its drive letters and backslashes.
/// </summary>
public sealed class NodePathTests
{
    [Theory]
    [InlineData(true, @"C:\ProgramData\Elastic\Elasticsearch\config", @"certs\transport.p12", @"C:\ProgramData\Elastic\Elasticsearch\config\certs\transport.p12")]
    [InlineData(true, @"C:\ProgramData\Elastic\Elasticsearch\config", @"D:\pki\ca.crt", @"D:\pki\ca.crt")]
    [InlineData(true, @"C:\es\config", @"\\pki-share\ca\ca.crt", @"\\pki-share\ca\ca.crt")]
    [InlineData(false, "/etc/elasticsearch", "certs/transport.p12", "/etc/elasticsearch/certs/transport.p12")]
    [InlineData(false, "/etc/elasticsearch", "/opt/pki/ca.crt", "/opt/pki/ca.crt")]
    public void ASettingIsResolvedByTheRulesOfTheNodeItIsOn(bool windowsNode, string configPath, string setting, string expected) =>
        Assert.Equal(expected, TransportTruststore.ResolvePath(new RemoteNodeFiles(windowsNode), configPath, setting));

    /// <summary>Only what path resolution asks of a node reached through a session: its name and its separator.</summary>
    private sealed class RemoteNodeFiles(bool windows) : NodeFilesStandIn
    {
        public override string Location => "es1";

        public override string Combine(string directory, string name) =>
            windows ? directory.TrimEnd('\\', '/') + "\\" + name : directory.TrimEnd('/') + "/" + name;
    }
}
