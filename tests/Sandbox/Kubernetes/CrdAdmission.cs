using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>
/// Admits objects the way kube-apiserver decodes them: custom resources against their structural CRD schema, built-in
/// kinds against the fields their Go types have (<see cref="BuiltInFields"/>). Unknown fields are dropped, reported as
/// warnings (fieldValidation=Warn) or rejected (Strict).
/// </summary>
public sealed class CrdAdmission(IReadOnlyDictionary<ResourceType, CrdSchema> schemas) : IObjectAdmission
{
    public void Admit(ResourceType type, JsonObject obj, WriteOptions options)
    {
        var (pruned, errors) = schemas.TryGetValue(type, out var schema)
            ? schema.PruneAndValidate(obj)
            : (BuiltInFields.Prune(type.Kind, obj), (IReadOnlyList<FieldError>)[]);
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
