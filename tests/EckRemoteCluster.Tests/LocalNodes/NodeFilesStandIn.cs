using System.Runtime.CompilerServices;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Tests.LocalNodes;

/// <summary>
/// Base of the tests' <see cref="INodeFiles"/> stand-ins: every operation fails, naming itself and the stand-in, until
/// a stand-in overrides it. A stand-in so declares only what its test relies on, and a call the test did not expect
/// fails the test instead of quietly answering.
/// </summary>
internal abstract class NodeFilesStandIn : INodeFiles
{
    public virtual string Location => "test";

    public virtual object? Channel => null;

    public virtual string Combine(string directory, string name) => throw Unexpected();

    public virtual string RealDirectory(string directory) => throw Unexpected();

    public virtual NodeFileInfo? GetInfo(string path) => throw Unexpected();

    public virtual byte[] ReadAllBytes(string path) => throw Unexpected();

    public virtual void EnsureCanKeep(NodeFileInfo like) => throw Unexpected();

    public virtual string WriteTemporary(string realPath, ReadOnlySpan<byte> content, NodeFileInfo like) => throw Unexpected();

    public virtual void Replace(string temporary, string realPath, string? backupPath) => throw Unexpected();

    public virtual void Delete(string path) => throw Unexpected();

    public virtual IReadOnlyList<string> FindTemporaries(string directory) => throw Unexpected();

    public virtual IDisposable LockDirectory(string directory, NodeFileInfo like, TimeSpan timeout) => throw Unexpected();

    private NotSupportedException Unexpected([CallerMemberName] string operation = "") =>
        new($"{GetType().Name} stands in for a node's files in this test and does not expect {operation}.");
}
