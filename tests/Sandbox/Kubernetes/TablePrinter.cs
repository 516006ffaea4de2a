using System.Globalization;
using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>
/// Server-side printing (Accept: application/json;as=Table;v=v1;g=meta.k8s.io): the columns kube-apiserver's printers
/// produce for the built-in kinds, and the CRD's additionalPrinterColumns for Elasticsearch.
/// </summary>
public sealed class TablePrinter(TimeProvider clock, IReadOnlyList<JsonObject> elasticsearchColumns)
{
    private const string NameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
    private const string AgeDescription = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    public JsonObject Table(ResourceType type, IEnumerable<JsonObject> items, string resourceVersion, string includeObject)
    {
        var columns = Columns(type);
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var row = new JsonObject { ["cells"] = new JsonArray(columns.Select(c => c.Cell(item)).ToArray()) };
            if (includeObject != "None")
            {
                row["object"] = includeObject == "Object" ? item.DeepClone() : PartialMetadata(item);
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            }).ToArray()),
            ["rows"] = rows,
        };
    }

    /// <summary>How long ago, in kubectl's short form (duration.HumanDuration): 45s, 5m30s, 3h12m, 4d.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < 0)
        {
            return "<invalid>";
        }

        if (seconds < 120)
        {
            return $"{seconds}s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 192)
        {
            return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        }

        var days = hours / 24;
        return days < 365 * 2 ? $"{days}d" : days < 365 * 8 ? (days % 365 == 0 ? $"{days / 365}y" : $"{days / 365}y{days % 365}d") : $"{days / 365}y";
    }

    private List<Column> Columns(ResourceType type)
    {
        var name = new Column("Name", "string", "name", NameDescription, 0, o => ObjectMeta.Name(o));
        var age = new Column("Age", "string", "", AgeDescription, 0, Age);
        return type.Kind switch
        {
            "Namespace" => [name, new("Status", "string", "", "The status of the namespace", 0, o => Text(o, "status", "phase")), age],
            "Secret" => [name, new("Type", "string", "", "The type of the secret", 0, o => Text(o, "type")),
                new("Data", "string", "", "The number of entries in the data (and stringData)", 0, o => Count(o, "data")), age],
            "ConfigMap" => [name, new("Data", "string", "", "Number of data entries", 0, o => Count(o, "data") + Count(o, "binaryData")), age],
            "Service" => [name, new("Type", "string", "", "The type of the service", 0, o => Text(o, "spec", "type") ?? "ClusterIP"),
                new("Cluster-IP", "string", "", "The cluster IP of the service", 0, o => Text(o, "spec", "clusterIP") ?? "<none>"),
                new("External-IP", "string", "", "The external IP of the service", 0, ExternalIp),
                new("Port(s)", "string", "", "The ports of the service", 0, Ports), age,
                new("Selector", "string", "", "The selector of the service", 1, Selector)],
            "Pod" => [name, new("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0, Ready),
                new("Status", "string", "", "The aggregate status of the containers in this pod.", 0, o => Text(o, "status", "phase") ?? "Pending"),
                new("Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", 0, Restarts),
                age,
                new("IP", "string", "", "The IP address assigned to the pod", 1, o => Text(o, "status", "podIP") ?? "<none>"),
                new("Node", "string", "", "The name of the node to which the pod is scheduled", 1, o => Text(o, "spec", "nodeName") ?? "<none>")],
            "Event" => [new("Last Seen", "string", "", "Time when last event occurred.", 0, o => SinceText(Text(o, "lastTimestamp"))),
                new("Type", "string", "", "Type of the event", 0, o => Text(o, "type")),
                new("Reason", "string", "", "Reason for the event", 0, o => Text(o, "reason")),
                new("Object", "string", "", "Object the event is about", 0, o => $"{Text(o, "involvedObject", "kind")?.ToLowerInvariant()}/{Text(o, "involvedObject", "name")}"),
                new("Message", "string", "", "Event message", 0, o => Text(o, "message"))],
            _ => [name, .. elasticsearchColumns.Select(CrdColumn)],
        };
    }

    private Column CrdColumn(JsonObject definition)
    {
        var path = definition["jsonPath"]!.GetValue<string>().TrimStart('.').Split('.');
        var type = definition["type"]!.GetValue<string>();
        var columnName = definition["name"]!.GetValue<string>();
        Func<JsonObject, JsonNode?> cell = type == "date"
            ? o => SinceText(Text(o, path))
            : o => Lookup(o, path)?.DeepClone();
        return new Column(columnName, type == "date" ? "string" : type, "", definition["description"]?.GetValue<string>() ?? "", 0, cell);
    }

    private JsonNode? Age(JsonObject o) => SinceText(ObjectMeta.Metadata(o)["creationTimestamp"]?.GetValue<string>());

    private JsonNode? SinceText(string? timestamp) =>
        timestamp is not null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? HumanDuration(clock.GetUtcNow() - time)
            : "<unknown>";

    private static JsonNode? ExternalIp(JsonObject o)
    {
        var type = Text(o, "spec", "type") ?? "ClusterIP";
        var external = (o["spec"]?["externalIPs"] as JsonArray)?.Select(i => i!.GetValue<string>()).ToList() ?? [];
        if (type == "LoadBalancer")
        {
            var ingress = (o["status"]?["loadBalancer"]?["ingress"] as JsonArray)?
                .Select(i => i?["ip"]?.GetValue<string>() ?? i?["hostname"]?.GetValue<string>()).OfType<string>().ToList() ?? [];
            var all = external.Concat(ingress).ToList();
            return all.Count > 0 ? string.Join(",", all) : "<pending>";
        }

        if (type == "ExternalName")
        {
            return Text(o, "spec", "externalName");
        }

        return external.Count > 0 ? string.Join(",", external) : "<none>";
    }

    private static JsonNode? Ports(JsonObject o)
    {
        if (o["spec"]?["ports"] is not JsonArray ports || ports.Count == 0)
        {
            return "<none>";
        }

        return string.Join(",", ports.Select(p =>
        {
            var text = $"{p!["port"]}";
            if (p["nodePort"] is { } nodePort)
            {
                text += $":{nodePort}";
            }

            return $"{text}/{p["protocol"]?.GetValue<string>() ?? "TCP"}";
        }));
    }

    private static JsonNode? Selector(JsonObject o) =>
        o["spec"]?["selector"] is JsonObject selector && selector.Count > 0
            ? string.Join(",", selector.Select(p => $"{p.Key}={p.Value}"))
            : "<none>";

    private static JsonNode? Ready(JsonObject o)
    {
        var total = (o["spec"]?["containers"] as JsonArray)?.Count ?? 0;
        var ready = (o["status"]?["containerStatuses"] as JsonArray)?.Count(c => c?["ready"]?.GetValue<bool>() == true) ?? 0;
        return $"{ready}/{total}";
    }

    private static JsonNode? Restarts(JsonObject o) =>
        ((o["status"]?["containerStatuses"] as JsonArray)?.Sum(c => c?["restartCount"] is { } count ? JsonNumbers.AsLong(count) : 0) ?? 0).ToString(CultureInfo.InvariantCulture);

    private static int Count(JsonObject o, string field) => (o[field] as JsonObject)?.Count ?? 0;

    private static string? Text(JsonObject o, params string[] path) => Lookup(o, path) is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    private static JsonNode? Lookup(JsonObject o, string[] path)
    {
        JsonNode? node = o;
        foreach (var segment in path)
        {
            node = node is JsonObject obj ? obj[segment] : null;
        }

        return node;
    }

    private static JsonObject PartialMetadata(JsonObject item) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = item["metadata"]?.DeepClone(),
    };

    private sealed record Column(string Name, string Type, string Format, string Description, int Priority, Func<JsonObject, JsonNode?> Cell);
}
