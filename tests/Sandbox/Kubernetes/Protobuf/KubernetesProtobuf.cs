using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes.Protobuf;

/// <summary>
/// Decodes request bodies sent as application/vnd.kubernetes.protobuf, which kubectl's typed clients use for built-in
/// kinds (kubectl create configmap/secret/namespace). The envelope is "k8s\0" + runtime.Unknown{typeMeta, raw}; field
/// numbers are those of k8s.io/api/core/v1/generated.proto and apimachinery's meta/v1/generated.proto.
/// </summary>
public static class KubernetesProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    private static readonly ProtoMessage TypeMeta = new(new Dictionary<int, ProtoField>
    {
        [1] = new("apiVersion", FieldShape.String),
        [2] = new("kind", FieldShape.String),
    });

    private static readonly ProtoMessage Unknown = new(new Dictionary<int, ProtoField>
    {
        [1] = new("typeMeta", FieldShape.Message, TypeMeta),
        [2] = new("raw", FieldShape.Bytes),
    });

    private static readonly ProtoMessage OwnerReference = new(new Dictionary<int, ProtoField>
    {
        [1] = new("kind", FieldShape.String),
        [3] = new("name", FieldShape.String),
        [4] = new("uid", FieldShape.String),
        [5] = new("apiVersion", FieldShape.String),
        [6] = new("controller", FieldShape.Bool),
        [7] = new("blockOwnerDeletion", FieldShape.Bool),
    });

    private static readonly ProtoMessage ObjectMeta = new(new Dictionary<int, ProtoField>
    {
        [1] = new("name", FieldShape.String),
        [2] = new("generateName", FieldShape.String),
        [3] = new("namespace", FieldShape.String),
        [5] = new("uid", FieldShape.String),
        [6] = new("resourceVersion", FieldShape.String),
        [7] = new("generation", FieldShape.Int64),
        [11] = new("labels", FieldShape.MapStringString),
        [12] = new("annotations", FieldShape.MapStringString),
        [13] = new("ownerReferences", FieldShape.RepeatedMessage, OwnerReference),
        [14] = new("finalizers", FieldShape.RepeatedString),
    });

    private static readonly ProtoMessage NamespaceSpec = new(new Dictionary<int, ProtoField> { [1] = new("finalizers", FieldShape.RepeatedString) });

    private static readonly Dictionary<string, ProtoMessage> Kinds = new(StringComparer.Ordinal)
    {
        ["ConfigMap"] = new(new Dictionary<int, ProtoField>
        {
            [1] = new("metadata", FieldShape.Message, ObjectMeta),
            [2] = new("data", FieldShape.MapStringString),
            [3] = new("binaryData", FieldShape.MapStringBytes),
            [4] = new("immutable", FieldShape.Bool),
        }),
        ["Secret"] = new(new Dictionary<int, ProtoField>
        {
            [1] = new("metadata", FieldShape.Message, ObjectMeta),
            [2] = new("data", FieldShape.MapStringBytes),
            [3] = new("type", FieldShape.String),
            [4] = new("stringData", FieldShape.MapStringString),
            [5] = new("immutable", FieldShape.Bool),
        }),
        ["Namespace"] = new(new Dictionary<int, ProtoField>
        {
            [1] = new("metadata", FieldShape.Message, ObjectMeta),
            [2] = new("spec", FieldShape.Message, NamespaceSpec),
        }),
    };

    public static bool IsProtobuf(string? contentType) => (contentType ?? "").StartsWith(MediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The object as JSON; kinds the sandbox cannot decode from protobuf answer 415 so the client knows.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < Magic.Length || !body[..Magic.Length].SequenceEqual(Magic))
        {
            throw StatusErrors.BadRequest("provided object is not protobuf: missing the k8s\\0 prefix");
        }

        var envelope = Unknown.Decode(body[Magic.Length..]);
        var kind = envelope["typeMeta"]?["kind"]?.GetValue<string>() ?? "";
        var apiVersion = envelope["typeMeta"]?["apiVersion"]?.GetValue<string>() ?? "v1";
        if (!Kinds.TryGetValue(kind, out var schema))
        {
            throw StatusErrors.UnsupportedPatchType(MediaType, ["application/json", "application/yaml"]);
        }

        var raw = Convert.FromBase64String(envelope["raw"]?.GetValue<string>() ?? "");
        var obj = schema.Decode(raw);
        obj["apiVersion"] = apiVersion;
        obj["kind"] = kind;
        return obj;
    }
}
