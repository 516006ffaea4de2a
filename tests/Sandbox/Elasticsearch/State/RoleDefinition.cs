using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch.State;

/// <summary>A native role as stored in the security index: the descriptor body as PUT, normalised.</summary>
public sealed record RoleDefinition(string Name, JsonObject Descriptor);
