using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace EckRemoteCluster.Engine.Kubernetes;

/// <summary>What a port-forward needs to know of a pod: its name, phase, whether it is being deleted and Ready.</summary>
internal sealed record PodState(string Name, string? Phase, bool Deleting, bool ReadyCondition);

/// <summary>
/// Lists pods as <see cref="PodState"/>s. The list is read as plain JSON, only those fields: KubernetesClient's own
/// V1PodList deserialization sets up System.Text.Json metadata for the whole pod model (spec, containers, volumes and
/// the rest) the first time a process meets it, which took 300-500 ms of the first New-ElasticsearchConnection to an
/// ECK cluster (the port-forward's pod pick) on a busy 2-core machine, against 1 ms on the next call. The request is
/// the same GET the typed client sends, through the same HttpClient (retry handler, credentials), and a refusal is
/// the same HttpOperationException, so <see cref="KubernetesErrors"/> reports it as before.
/// </summary>
internal static class PodStates
{
    public static Task<IReadOnlyList<PodState>> ListAsync(KubernetesSession session, string namespaceName, string labelSelector, CancellationToken cancellationToken) =>
        KubernetesErrors.Run(new KubernetesErrors.Operation("list", "pods", namespaceName, null, session), async () =>
        {
            if (session.Client is not k8s.Kubernetes client)
            {
                // Another IKubernetes (none in the module; a test double perhaps): its typed list.
                var pods = await session.Client.CoreV1.ListNamespacedPodAsync(namespaceName, labelSelector: labelSelector, cancellationToken: cancellationToken).ConfigureAwait(false);
                return (IReadOnlyList<PodState>)pods.Items.Select(FromModel).ToList();
            }

            return await ListRawAsync(client, namespaceName, labelSelector, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    internal static PodState FromModel(V1Pod pod) => new(
        pod.Metadata?.Name ?? string.Empty,
        pod.Status?.Phase,
        pod.Metadata?.DeletionTimestamp is not null,
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);

    /// <summary>The items of a PodList answer (JSON), or an empty list when it has none.</summary>
    internal static IReadOnlyList<PodState> Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var states = new List<PodState>(items.GetArrayLength());
        foreach (var item in items.EnumerateArray())
        {
            var metadata = Property(item, "metadata");
            var status = Property(item, "status");
            var ready = false;
            if (Property(status, "conditions") is { ValueKind: JsonValueKind.Array } conditions)
            {
                ready = conditions.EnumerateArray().Any(c => String(c, "type") == "Ready" && String(c, "status") == "True");
            }

            states.Add(new PodState(
                String(metadata, "name") ?? string.Empty,
                String(status, "phase"),
                Property(metadata, "deletionTimestamp") is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined },
                ready));
        }

        return states;
    }

    private static async Task<IReadOnlyList<PodState>> ListRawAsync(k8s.Kubernetes client, string namespaceName, string labelSelector, CancellationToken cancellationToken)
    {
        var relative = $"api/v1/namespaces/{Uri.EscapeDataString(namespaceName)}/pods?labelSelector={Uri.EscapeDataString(labelSelector)}";
        using var response = await KubernetesRawGet.SendAsync(client, relative, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // What the typed client throws for a refusal, so the error names the same cause and action.
            var content = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}'")
            {
                Request = new HttpRequestMessageWrapper(response.RequestMessage!, null),
                Response = new HttpResponseMessageWrapper(response, content),
            };
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Parse(body);
    }

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? String(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
