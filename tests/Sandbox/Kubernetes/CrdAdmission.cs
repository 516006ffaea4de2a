using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>Admits custom resources the way kube-apiserver does for a structural CRD schema; built-in kinds pass as they are.</summary>
public sealed class CrdAdmission(IReadOnlyDictionary<ResourceType, CrdSchema> schemas) : IObjectAdmission
{
    public void Admit(ResourceType type, JsonObject obj, WriteOptions options)
    {
        if (!schemas.TryGetValue(type, out var schema))
        {
            return;
        }

        var (pruned, errors) = schema.PruneAndValidate(obj);
        if (pruned.Count > 0 && options.FieldValidation == "Strict")
        {
            var unknown = pruned.Select(p => $"unknown field \"{p}\"");
            throw StatusErrors.BadRequest(
                $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", unknown)}");
        }

        if (pruned.Count > 0 && options.FieldValidation == "Warn")
        {
            options.Warnings.AddRange(pruned.Select(p => $"unknown field \"{p}\""));
        }

        if (errors.Count > 0)
        {
            throw StatusErrors.Invalid(type, ObjectMeta.Name(obj) ?? "", errors);
        }
    }
}
