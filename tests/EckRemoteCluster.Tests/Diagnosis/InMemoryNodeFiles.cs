using System.Text;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Tests.LocalNodes;

namespace EckRemoteCluster.Tests.Diagnosis;

/// <summary>
/// A node's files that exist only behind <see cref="INodeFiles"/>, as a node reached through a PowerShell session: its
/// paths are not on this machine, so whatever reads them another way finds nothing. Only reading is supported.
/// </summary>
internal sealed class InMemoryNodeFiles(string location) : NodeFilesStandIn
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public override string Location { get; } = location;

    public void Write(string path, string text) => _files[path] = Encoding.UTF8.GetBytes(text);

    public void Append(string path, string text)
    {
        lock (_files)
        {
            _files[path] = [.. _files.GetValueOrDefault(path, []), .. Encoding.UTF8.GetBytes(text)];
        }
    }

    public override string Combine(string directory, string name) => directory.TrimEnd('/') + "/" + name;

    public override string RealDirectory(string directory) => directory;

    public override NodeFileInfo? GetInfo(string path) => _files.ContainsKey(path) ? new NodeFileInfo(path, path, 0, 0, (UnixFileMode)0x1B0) : null;

    public override byte[] ReadAllBytes(string path) => _files.TryGetValue(path, out var bytes) ? bytes : throw new FileNotFoundException(null, path);
}
