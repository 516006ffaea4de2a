using EckRemoteCluster.Contracts;
using EckRemoteCluster.Hosting;

namespace EckRemoteCluster.Commands;

/// <summary>A node's node.name, read from its elasticsearch.yml here or through its session: what reloads address.</summary>
internal static class NodeNames
{
    /// <summary>Null when the file cannot be read or names no node; the reload then goes to every node at once.</summary>
    public static string? TryRead(string configPath, NodeDirectory? node)
    {
        var engine = EngineHost.Engine;
        try
        {
            if (node?.Files is Remoting.SessionNodeFiles files)
            {
                var yml = files.Combine(node.ConfigPath, "elasticsearch.yml");
                return engine.NodeRestarts.NodeNameFromConfig(new System.Text.UTF8Encoding(false).GetString(files.ReadAllBytes(yml)).TrimStart('\uFEFF'), yml, files.Location);
            }

            return engine.NodeConfig.Read(configPath).NodeName;
        }
        catch (EckRemoteClusterException)
        {
            return null;
        }
    }
}
