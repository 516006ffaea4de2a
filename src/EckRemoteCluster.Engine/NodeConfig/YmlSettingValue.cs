namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// The value of one flattened elasticsearch.yml setting: a scalar (null for YAML null, as in <c>key:</c>) or a list
/// of strings. Elasticsearch reads every scalar as text, so <c>true</c> and <c>"true"</c> are the same value.
/// </summary>
public sealed class YmlSettingValue : IEquatable<YmlSettingValue>
{
    private YmlSettingValue(bool isList, string? scalar, IReadOnlyList<string> items)
    {
        IsList = isList;
        Scalar = scalar;
        Items = items;
    }

    public bool IsList { get; }

    /// <summary>The scalar's text; null for a list or a YAML null.</summary>
    public string? Scalar { get; }

    /// <summary>The list's items, or the scalar as a one-item list (none for a YAML null).</summary>
    public IReadOnlyList<string> Items { get; }

    public static YmlSettingValue FromScalar(string? value) => new(false, value, value is null ? [] : [value]);

    public static YmlSettingValue FromList(IEnumerable<string> items) => new(true, null, items.ToArray());

    public bool Equals(YmlSettingValue? other) =>
        other is not null && IsList == other.IsList && Scalar == other.Scalar && Items.SequenceEqual(other.Items);

    public override bool Equals(object? obj) => Equals(obj as YmlSettingValue);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IsList);
        hash.Add(Scalar);
        foreach (var item in Items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public override string ToString() =>
        IsList ? "[" + string.Join(", ", Items.Select(i => "\"" + i + "\"")) + "]" : Scalar ?? "null";
}
