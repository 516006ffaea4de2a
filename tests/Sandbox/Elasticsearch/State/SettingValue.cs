namespace Sandbox.Elasticsearch.State;

/// <summary>A cluster or node setting: Elasticsearch keeps every value as a string or a list of strings.</summary>
public sealed record SettingValue(string? Scalar, IReadOnlyList<string>? List)
{
    public static SettingValue Of(string value) => new(value, null);

    public static SettingValue Of(IReadOnlyList<string> values) => new(null, values);

    public IReadOnlyList<string> AsList() => List ?? (Scalar is null ? [] : [Scalar]);

    public override string ToString() => Scalar ?? string.Join(",", List ?? []);
}
