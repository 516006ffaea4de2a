namespace Sandbox.Kubernetes.Patching;

/// <summary>
/// The patchMergeKey / patchStrategy tags of the built-in types the sandbox serves (from k8s.io/api), keyed by the field
/// and its parent field, since the same name ("ports") merges on a different key in a Service and in a container.
/// </summary>
public static class MergeKeys
{
    private static readonly Dictionary<string, string> ByParentAndField = new(StringComparer.Ordinal)
    {
        ["spec.containers"] = "name",
        ["spec.initContainers"] = "name",
        ["spec.ephemeralContainers"] = "name",
        ["spec.volumes"] = "name",
        ["spec.imagePullSecrets"] = "name",
        ["spec.hostAliases"] = "ip",
        ["spec.ports"] = "port",
        ["containers.ports"] = "containerPort",
        ["initContainers.ports"] = "containerPort",
        ["containers.env"] = "name",
        ["initContainers.env"] = "name",
        ["containers.volumeMounts"] = "mountPath",
        ["initContainers.volumeMounts"] = "mountPath",
        ["containers.volumeDevices"] = "devicePath",
        ["metadata.ownerReferences"] = "uid",
        ["status.conditions"] = "type",
    };

    private static readonly HashSet<string> PrimitiveMergeLists = new(StringComparer.Ordinal) { "metadata.finalizers" };

    /// <summary>The merge key of the list at <paramref name="parent"/>.<paramref name="field"/>, or null when the list is replaced.</summary>
    public static string? For(string parent, string field) => ByParentAndField.GetValueOrDefault($"{parent}.{field}");

    /// <summary>Lists of scalars whose strategy is merge (set union), such as metadata.finalizers.</summary>
    public static bool IsPrimitiveMerge(string parent, string field) => PrimitiveMergeLists.Contains($"{parent}.{field}");
}
