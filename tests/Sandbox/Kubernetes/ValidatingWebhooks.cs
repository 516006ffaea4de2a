using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>What a validating webhook is asked (admission.k8s.io/v1 AdmissionRequest, reduced to what is used here).</summary>
/// <param name="Operation">CREATE or UPDATE.</param>
/// <param name="Object">The object as it would be stored (already pruned and schema-validated).</param>
/// <param name="OldObject">The stored object, on UPDATE.</param>
/// <param name="DryRun">Whether the request is a dry run (webhooks with sideEffects None are called for those too).</param>
public sealed record AdmissionRequest(string Operation, JsonObject Object, JsonObject? OldObject, bool DryRun);

/// <summary>
/// An AdmissionResponse: allowed, or refused with the metav1.Status the webhook put in <c>result</c> (code, reason,
/// message, details as it chose them); warnings either way.
/// </summary>
public sealed record AdmissionResponse(bool Allowed, JsonObject? Result, IReadOnlyList<string> Warnings)
{
    public static AdmissionResponse Allow(IReadOnlyList<string>? warnings = null) => new(true, null, warnings ?? []);

    public static AdmissionResponse Deny(JsonObject result, IReadOnlyList<string>? warnings = null) => new(false, result, warnings ?? []);
}

/// <summary>A ValidatingWebhookConfiguration entry: a name, the resource it is registered for (not its subresources), the handler.</summary>
public interface IValidatingWebhook
{
    string Name { get; }

    ResourceType Resource { get; }

    AdmissionResponse Review(AdmissionRequest request);
}

/// <summary>
/// The validating admission webhooks the API server calls after schema validation and before storing, as
/// kube-apiserver's ValidatingAdmissionWebhook plugin does (kubernetes/apiserver pkg/admission/plugin/webhook/validating).
/// A refusal becomes the webhook's Status with its message prefixed by <c>admission webhook "NAME" denied the request: </c>,
/// a code of at least 400 and status Failure (pkg/admission/plugin/webhook/errors/statuserror.go ToStatusErr, v0.32);
/// warnings go to the response's Warning headers. Writes to the status subresource are not sent (the webhooks here are
/// registered for the resource only). Unregistering is what a webhook with failurePolicy Ignore amounts to while its
/// server is down: requests pass unchecked.
/// </summary>
public sealed class ValidatingWebhooks
{
    private readonly object gate = new();
    private readonly List<IValidatingWebhook> registered = [];

    public IDisposable Register(IValidatingWebhook webhook)
    {
        lock (gate)
        {
            registered.Add(webhook);
        }

        return new Registration(() =>
        {
            lock (gate)
            {
                registered.Remove(webhook);
            }
        });
    }

    /// <summary>Calls every webhook registered for <paramref name="type"/>; throws the first refusal.</summary>
    public void Validate(ResourceType type, string operation, JsonObject obj, JsonObject? old, WriteOptions options)
    {
        List<IValidatingWebhook> matching;
        lock (gate)
        {
            matching = registered.Where(w => w.Resource == type).ToList();
        }

        foreach (var webhook in matching)
        {
            var response = webhook.Review(new AdmissionRequest(operation, (JsonObject)obj.DeepClone(), (JsonObject?)old?.DeepClone(), options.DryRun));
            options.Warnings.AddRange(response.Warnings);
            if (!response.Allowed)
            {
                throw ToStatusError(webhook.Name, response.Result);
            }
        }
    }

    /// <summary>kube-apiserver's ToStatusErr (staging/src/k8s.io/apiserver, v0.32).</summary>
    public static KubernetesStatusException ToStatusError(string webhookName, JsonObject? result)
    {
        var deniedBy = $"admission webhook \"{webhookName}\" denied the request";
        var code = (int?)result?["code"] ?? 0;
        var reason = (string?)result?["reason"] ?? "";
        var message = (string?)result?["message"] ?? "";
        message = message.Length > 0 ? $"{deniedBy}: {message}" : reason.Length > 0 ? $"{deniedBy}: {reason}" : $"{deniedBy} without explanation";
        return new KubernetesStatusException(Math.Max(code, 400), reason, message) { Details = result?["details"]?.DeepClone() as JsonObject };
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
