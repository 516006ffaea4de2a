using System.Text.Json;
using System.Text.Json.Nodes;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;
using k8s;
using k8s.Models;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>Whether ECK 3.3+ is installed (it has spec.remoteClusterServer.service), and what that answer rests on.</summary>
/// <param name="Supported">True from 3.3 on, false before, null when it could not be told.</param>
/// <param name="Evidence">What was read, for messages ("the API server's OpenAPI v3 schema of Elasticsearch has …").</param>
internal sealed record ServiceTemplateSupportResult(bool? Supported, string Evidence);

/// <summary>
/// Tells ECK 3.3+ from older ECK by the schema the API server enforces, never by an annotation: ECK stopped writing
/// common.k8s.elastic.co/controller-version in 2.0.0 (cloud-on-k8s #4928), and clusters from ECK 1.x may still carry
/// a stale one. The field spec.remoteClusterServer.service exists in the CRD from ECK 3.3.0; on 3.0–3.2 the API server
/// prunes it as an unknown field. Two readings, in order:
/// <list type="number">
/// <item>the OpenAPI v3 document of the Elasticsearch group-version (GET /openapi/v3/apis/elasticsearch.k8s.elastic.co/v1),
/// what kubectl explain reads; every authenticated user may read it (system:discovery), no write is sent. It is asked
/// for by its path, without the hash the /openapi/v3 index adds for caching: kube-apiserver serves the current
/// document either way (kubernetes/kube-openapi pkg/handler3/handler.go), so the index is one request saved;</item>
/// <item>when that is not served or says nothing (a schema without properties), a server-side dry-run merge patch
/// that sets the field to {}: the returned object keeps it on 3.3+ and has it pruned before. Nothing is stored
/// (dryRun=All; ECK's webhook declares sideEffects None, so it is called and changes nothing either).</item>
/// </list>
/// </summary>
internal static class ServiceTemplateSupport
{
    private const string OpenApiRoot = "openapi/v3";

    public static async Task<ServiceTemplateSupportResult> DetectAsync(
        KubernetesSession session, EckCluster cluster, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        string openApiProblem;
        try
        {
            if (await FromOpenApiAsync(session, cancellationToken).ConfigureAwait(false) is { } fromSchema)
            {
                return fromSchema;
            }

            openApiProblem = "its schema of Elasticsearch lists no properties under spec.remoteClusterServer";
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException or IOException)
        {
            openApiProblem = ex.Message;
        }

        reporter.Verbose($"OpenAPI v3 did not tell whether ECK has spec.remoteClusterServer.service ({openApiProblem}); trying a server-side dry-run patch of {cluster}.");
        string dryRunProblem;
        try
        {
            return await FromDryRunAsync(session, cluster, cancellationToken).ConfigureAwait(false);
        }
        catch (EckRemoteClusterException ex)
        {
            dryRunProblem = ex.Message;
        }

        return new ServiceTemplateSupportResult(
            null,
            $"neither the API server's OpenAPI v3 schema ({openApiProblem}) nor a server-side dry-run patch ({dryRunProblem}) could tell whether spec.remoteClusterServer.service exists");
    }

    /// <summary>Reads the served Elasticsearch v1 schema; null when it does not describe spec.remoteClusterServer.</summary>
    internal static async Task<ServiceTemplateSupportResult?> FromOpenApiAsync(KubernetesSession session, CancellationToken cancellationToken)
    {
        if (session.Client is not k8s.Kubernetes client)
        {
            throw new InvalidOperationException("the client cannot send raw requests");
        }

        var groupVersion = $"apis/{EckNames.Group}/{EckNames.Version}";
        var document = await GetJsonAsync(client, $"{OpenApiRoot}/{groupVersion}", cancellationToken).ConfigureAwait(false);
        var schema = (document["components"]?["schemas"] as JsonObject)?
            .Select(entry => entry.Value)
            .OfType<JsonObject>()
            .FirstOrDefault(IsElasticsearchV1)
            ?? throw new InvalidOperationException($"the {groupVersion} document has no schema for kind Elasticsearch");
        if (schema["properties"]?["spec"]?["properties"]?["remoteClusterServer"]?["properties"] is not JsonObject server)
        {
            return null;
        }

        return server.ContainsKey("service")
            ? new ServiceTemplateSupportResult(true, "the API server's OpenAPI v3 schema of Elasticsearch has spec.remoteClusterServer.service (ECK 3.3 or later)")
            : new ServiceTemplateSupportResult(false, "the API server's OpenAPI v3 schema of Elasticsearch has no spec.remoteClusterServer.service (ECK before 3.3)");
    }

    private static async Task<ServiceTemplateSupportResult> FromDryRunAsync(KubernetesSession session, EckCluster cluster, CancellationToken cancellationToken)
    {
        var patch = new JsonObject { ["spec"] = new JsonObject { ["remoteClusterServer"] = new JsonObject { ["service"] = new JsonObject() } } };
        var result = await KubernetesErrors.Run(
            new KubernetesErrors.Operation("patch (dry run)", EckNames.ElasticsearchPlural, cluster.Namespace, cluster.Name, session),
            () => session.Client.CustomObjects.PatchNamespacedCustomObjectAsync<ElasticsearchResource>(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                EckNames.Group, EckNames.Version, cluster.Namespace, EckNames.ElasticsearchPlural, cluster.Name,
                dryRun: "All", fieldManager: EckNames.ManagedByValue, fieldValidation: "Ignore", cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        return result.ServiceTemplate("remoteClusterServer") is not null
            ? new ServiceTemplateSupportResult(true, "a server-side dry-run patch kept spec.remoteClusterServer.service (ECK 3.3 or later)")
            : new ServiceTemplateSupportResult(false, "a server-side dry-run patch had spec.remoteClusterServer.service pruned (ECK before 3.3)");
    }

    private static bool IsElasticsearchV1(JsonObject schema) =>
        schema["x-kubernetes-group-version-kind"] is JsonArray kinds
        && kinds.OfType<JsonObject>().Any(k => (string?)k["group"] == EckNames.Group && (string?)k["version"] == EckNames.Version && (string?)k["kind"] == "Elasticsearch");

    private static async Task<JsonNode> GetJsonAsync(k8s.Kubernetes client, string relativeUrl, CancellationToken cancellationToken)
    {
        using var response = await KubernetesRawGet.SendAsync(client, relativeUrl, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET /{relativeUrl.Split('?')[0]} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }

        var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return JsonNode.Parse(json) ?? throw new JsonException($"GET /{relativeUrl.Split('?')[0]} answered an empty body");
    }
}
