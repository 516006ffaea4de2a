using EckRemoteCluster.Contracts;
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
    private sealed class RemoteNodeFiles(bool windows) : INodeFiles
    {
        public string Location => "es1";

        public string Combine(string directory, string name) =>
            windows ? directory.TrimEnd('\\', '/') + "\\" + name : directory.TrimEnd('/') + "/" + name;

        public string RealDirectory(string directory) => throw new NotSupportedException();

        public NodeFileInfo? GetInfo(string path) => throw new NotSupportedException();

        public byte[] ReadAllBytes(string path) => throw new NotSupportedException();

        public void EnsureCanKeep(NodeFileInfo like) => throw new NotSupportedException();

        public string WriteTemporary(string realPath, ReadOnlySpan<byte> content, NodeFileInfo like) => throw new NotSupportedException();

        public void Replace(string temporary, string realPath, string? backupPath) => throw new NotSupportedException();

        public void Delete(string path) => throw new NotSupportedException();

        public IReadOnlyList<string> FindTemporaries(string directory) => throw new NotSupportedException();

        public IDisposable LockDirectory(string directory, NodeFileInfo like, TimeSpan timeout) => throw new NotSupportedException();
    }
}
