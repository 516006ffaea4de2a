using System.Text.Json;
using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>
/// The Service this module wants for a publish request, as JSON: the body of spec.&lt;interface&gt;.service, or the
/// metadata/spec of its own Service (remote cluster server below ECK 3.3). targetPort is always the interface's port
/// in the pods (9443 or 9300), so another external port still reaches the nodes.
/// </summary>
internal static class ServiceTemplates
{
    public static JsonObject Metadata(PublishRequest request, IReadOnlyDictionary<string, string>? extraLabels = null)
    {
        var labels = new JsonObject { [EckNames.ManagedByLabel] = EckNames.ManagedByValue };
        foreach (var (key, value) in extraLabels ?? new Dictionary<string, string>())
        {
            labels[key] = value;
        }

        var metadata = new JsonObject { ["labels"] = labels };
        if (request.Annotations.Count > 0)
        {
            metadata["annotations"] = new JsonObject(request.Annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value)));
        }

        return metadata;
    }

    public static JsonObject Spec(PublishRequest request, IReadOnlyDictionary<string, string>? selector = null)
    {
        var exposed = PublishedInterface.For(request.Interface);
        var spec = new JsonObject
        {
            ["type"] = request.Type.ToString(),
            ["ports"] = new JsonArray(new JsonObject
            {
                ["name"] = exposed.PortName,
                ["protocol"] = "TCP",
                ["port"] = request.Port,
                ["targetPort"] = exposed.TargetPort,
            }),
        };
        if (selector is not null)
        {
            spec["selector"] = new JsonObject(selector.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value)));
        }

        if (request.LoadBalancerSourceRanges.Count > 0)
        {
            spec["loadBalancerSourceRanges"] = new JsonArray(request.LoadBalancerSourceRanges.Select(r => (JsonNode?)r).ToArray());
        }

        return spec;
    }

    /// <summary>
    /// <see cref="Spec"/> as a JSON merge patch over the service there now: source ranges the request leaves out are
    /// removed (null), not kept from an earlier publish with -LoadBalancerSourceRange, which <see cref="Satisfies"/>
    /// would then find different on every later run.
    /// </summary>
    public static JsonObject SpecPatch(PublishRequest request, IReadOnlyDictionary<string, string>? selector = null)
    {
        var spec = Spec(request, selector);
        if (!spec.ContainsKey("loadBalancerSourceRanges"))
        {
            spec["loadBalancerSourceRanges"] = null;
        }

        return spec;
    }

    /// <summary>Whether an existing service (template or Service object, as JSON) already does what the request asks.</summary>
    public static bool Satisfies(JsonNode? existing, PublishRequest request)
    {
        if (existing is null)
        {
            return false;
        }

        var spec = existing["spec"];
        if ((string?)spec?["type"] != request.Type.ToString())
        {
            return false;
        }

        var exposed = PublishedInterface.For(request.Interface);
        var ports = spec?["ports"] as JsonArray;
        var port = ports?.FirstOrDefault(p => (string?)p?["name"] == exposed.PortName) ?? ports?.FirstOrDefault();
        var portMatches = port is null ? request.Port == exposed.TargetPort : (int?)port["port"] == request.Port;
        var ranges = (spec?["loadBalancerSourceRanges"] as JsonArray)?.Select(r => (string?)r).ToList() ?? [];
        var annotations = existing["metadata"]?["annotations"] as JsonObject;
        return portMatches
            && ranges.SequenceEqual(request.LoadBalancerSourceRanges)
            && request.Annotations.All(a => (string?)annotations?[a.Key] == a.Value);
    }

    public static bool IsManagedByModule(JsonNode? existing) =>
        (string?)existing?["metadata"]?["labels"]?[EckNames.ManagedByLabel] == EckNames.ManagedByValue;

    public static JsonNode? FromElement(JsonElement? element) => element is { } e ? JsonNode.Parse(e.GetRawText()) : null;
}
