using System.Text.Json.Nodes;

namespace Sandbox.Operator;

/// <summary>
/// The services ECK creates for an Elasticsearch resource. A user template (spec.http.service, spec.transport.service,
/// spec.remoteClusterServer.service) is the starting point; ECK then fills in type, selector and ports only where the
/// template left them unset, and merges its labels without overriding the user's (defaults.SetServiceDefaults).
/// </summary>
internal static class ServiceBuilder
{
    public static JsonObject Http(ElasticsearchResource es) =>
        FromTemplate(es, EckNames.HttpService(es.Name), es.HttpServiceTemplate, headlessByDefault: false, publishNotReady: null,
            Port("https", EckNames.HttpPort));

    public static JsonObject Transport(ElasticsearchResource es) =>
        FromTemplate(es, EckNames.TransportService(es.Name), es.TransportServiceTemplate, headlessByDefault: true, publishNotReady: true,
            Port(EckNames.TransportPortName, EckNames.TransportPort));

    /// <summary>ECK before 3.3 has no template for this service: <paramref name="template"/> is then null.</summary>
    public static JsonObject RemoteCluster(ElasticsearchResource es, JsonObject? template) =>
        FromTemplate(es, EckNames.RemoteClusterService(es.Name), template, headlessByDefault: true, publishNotReady: true,
            Port(EckNames.RemoteClusterPortName, EckNames.RemoteClusterPort));

    /// <summary>Operator-only service, never templated.</summary>
    public static JsonObject InternalHttp(ElasticsearchResource es)
    {
        var labels = EckNames.ClusterLabels(es.Name);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = ResourceWriter.Metadata(es.Namespace, EckNames.InternalHttpService(es.Name), labels, es.OwnerReference()),
            ["spec"] = new JsonObject
            {
                ["type"] = "ClusterIP",
                ["ports"] = new JsonArray(Port("https", EckNames.HttpPort)),
                ["selector"] = ResourceWriter.StringMap(labels),
                ["publishNotReadyAddresses"] = false,
            },
        };
    }

    /// <summary>Headless service of one StatefulSet, so that pods resolve as &lt;pod&gt;.&lt;sset&gt;.&lt;ns&gt;.svc.</summary>
    public static JsonObject StatefulSetHeadless(ElasticsearchResource es, string statefulSet)
    {
        var labels = EckNames.StatefulSetLabels(es.Name, statefulSet);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = ResourceWriter.Metadata(es.Namespace, statefulSet, labels, es.OwnerReference()),
            ["spec"] = new JsonObject
            {
                ["type"] = "ClusterIP",
                ["clusterIP"] = "None",
                ["ports"] = new JsonArray(Port("https", EckNames.HttpPort)),
                ["selector"] = ResourceWriter.StringMap(labels),
                ["publishNotReadyAddresses"] = true,
            },
        };
    }

    /// <summary>
    /// What to store given what is stored: ECK's expected spec, plus the values the API server allocated (clusterIP,
    /// nodePorts, defaulted targetPorts) where the expected spec leaves them unset, plus the status.
    /// </summary>
    public static JsonObject MergeWithExisting(JsonObject existing, JsonObject expected)
    {
        var existingSpec = existing["spec"] as JsonObject ?? [];
        var spec = expected["spec"]!.AsObject();
        foreach (var allocated in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "sessionAffinity", "internalTrafficPolicy", "externalTrafficPolicy" })
        {
            if (spec[allocated] is null && existingSpec[allocated] is { } value)
            {
                spec[allocated] = value.DeepClone();
            }
        }

        if (spec["ports"] is JsonArray ports && existingSpec["ports"] is JsonArray existingPorts)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                var match = existingPorts.OfType<JsonObject>().FirstOrDefault(p => JsonNumbers.Int(p["port"]) == JsonNumbers.Int(port["port"]));
                if (match is null)
                {
                    continue;
                }

                foreach (var allocated in new[] { "nodePort", "targetPort", "protocol" })
                {
                    if (port[allocated] is null && match[allocated] is { } value)
                    {
                        port[allocated] = value.DeepClone();
                    }
                }
            }
        }

        var merged = ResourceWriter.ReplaceFields(existing, expected, "spec");
        return merged;
    }

    /// <summary>
    /// Kubernetes refuses to change a service between headless and not; ECK deletes and recreates it then.
    /// </summary>
    public static bool NeedsRecreate(JsonObject existing, JsonObject expected)
    {
        var existingIp = (string?)existing["spec"]?["clusterIP"];
        var expectedIp = (string?)expected["spec"]?["clusterIP"];
        var existingHeadless = existingIp == "None";
        var expectedHeadless = expectedIp == "None";
        return existingHeadless != expectedHeadless && (expectedIp is not null || existingHeadless);
    }

    private static JsonObject FromTemplate(
        ElasticsearchResource es, string name, JsonObject? template, bool headlessByDefault, bool? publishNotReady, JsonObject defaultPort)
    {
        var templateMeta = template?["metadata"] as JsonObject;
        var spec = template?["spec"]?.DeepClone() as JsonObject ?? [];

        var labels = templateMeta?["labels"]?.DeepClone() as JsonObject ?? [];
        foreach (var (key, value) in EckNames.ClusterLabels(es.Name))
        {
            labels[key] ??= value;
        }

        var metadata = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = es.Namespace,
            ["labels"] = labels,
            ["ownerReferences"] = new JsonArray(es.OwnerReference()),
        };
        if (templateMeta?["annotations"] is JsonObject annotations && annotations.Count > 0)
        {
            metadata["annotations"] = annotations.DeepClone();
        }

        if (publishNotReady is { } publish)
        {
            spec["publishNotReadyAddresses"] = publish;
        }

        if (string.IsNullOrEmpty((string?)spec["type"]))
        {
            spec["type"] = "ClusterIP";
            if (headlessByDefault)
            {
                spec["clusterIP"] = "None";
            }
        }

        spec["selector"] ??= ResourceWriter.StringMap(EckNames.ClusterLabels(es.Name));
        spec["ports"] ??= new JsonArray(defaultPort);

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = metadata,
            ["spec"] = spec,
        };
    }

    private static JsonObject Port(string name, int port) => new()
    {
        ["name"] = name,
        ["protocol"] = "TCP",
        ["port"] = port,
    };
}
