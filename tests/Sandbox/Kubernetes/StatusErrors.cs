using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>The errors kube-apiserver answers, with its reasons, codes and message texts.</summary>
public static class StatusErrors
{
    public static KubernetesStatusException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found") { Details = Details(type, name) };

    public static KubernetesStatusException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists") { Details = Details(type, name) };

    public static KubernetesStatusException Conflict(ResourceType type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again")
        { Details = Details(type, name) };

    public static KubernetesStatusException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        var qualifiedKind = type.Group.Length == 0 ? type.Kind : $"{type.Kind}.{type.Group}";
        var list = errors.Select(e => e.ToString()).ToList();
        var summary = list.Count == 1 ? list[0] : $"[{string.Join(", ", list)}]";
        var details = Details(type, name);
        details["kind"] = type.Kind;
        details["causes"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject
        {
            ["reason"] = e.Reason,
            ["message"] = e.Detail,
            ["field"] = e.Field,
        }).ToArray());
        return new(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {summary}") { Details = details };
    }

    public static KubernetesStatusException Forbidden(string user, string verb, ResourceType type, string? subresource, string? @namespace, string? name)
    {
        var subject = name is null ? type.GroupResource : $"{type.GroupResource} \"{name}\"";
        var scope = @namespace is null ? "at the cluster scope" : $"in the namespace \"{@namespace}\"";
        var message = $"{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{type.RbacResource(subresource)}\" in API group \"{type.Group}\" {scope}";
        var details = new JsonObject();
        if (name is not null)
        {
            details["name"] = name;
        }

        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Plural;
        return new(403, "Forbidden", message) { Details = details };
    }

    public static KubernetesStatusException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static KubernetesStatusException UnsupportedPatchType(string contentType, IEnumerable<string> accepted) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", accepted)}");

    public static KubernetesStatusException BadRequest(string message) => new(400, "BadRequest", message);

    public static KubernetesStatusException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static KubernetesStatusException Expired(string message) => new(410, "Expired", message);

    public static KubernetesStatusException PatchInvalid(string message) => new(422, "Invalid", message);

    /// <summary>The kind: Status document for a failure.</summary>
    public static JsonObject ToStatus(KubernetesStatusException error)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = error.Message,
            ["reason"] = error.Reason,
        };
        if (error.Details is not null)
        {
            status["details"] = error.Details.DeepClone();
        }

        status["code"] = error.Code;
        return status;
    }

    public static JsonObject Success(ResourceType type, string name, string? uid)
    {
        var details = Details(type, name);
        if (uid is not null)
        {
            details["uid"] = uid;
        }

        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    private static JsonObject Details(ResourceType type, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Plural;
        return details;
    }
}

/// <summary>One field error of a 422 Invalid answer ("spec.version: Required value").</summary>
public sealed record FieldError(string Field, string Reason, string Detail)
{
    public static FieldError Required(string field, string? detail = null) =>
        new(field, "FieldValueRequired", detail is null ? "Required value" : $"Required value: {detail}");

    public static FieldError InvalidValue(string field, string shownValue, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: {shownValue}: {detail}");

    public static FieldError NotSupported(string field, string shownValue, IEnumerable<string> supported) =>
        new(field, "FieldValueNotSupported", $"Unsupported value: {shownValue}: supported values: {string.Join(", ", supported)}");

    public override string ToString() => $"{Field}: {Detail}";
}
