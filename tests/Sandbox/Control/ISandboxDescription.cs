using System.Text.Json.Nodes;

namespace Sandbox.Control;

/// <summary>A part of the sandbox that adds what tests need to know about it (endpoints, credentials) to sandbox.json.</summary>
public interface ISandboxDescription
{
    /// <summary>Adds this part's entries to the sandbox.json root object (e.g. "eckClusters", "localCluster").</summary>
    void Describe(JsonObject sandbox);
}
