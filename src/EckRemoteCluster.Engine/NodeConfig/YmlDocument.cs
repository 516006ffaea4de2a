using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EckRemoteCluster.Engine.NodeConfig;

internal enum YmlNodeKind
{
    Scalar,
    Sequence,
    Mapping,
}

/// <summary>A node of the parsed file with the character span it occupies, so edits can splice the original text.</summary>
internal sealed class YmlNode
{
    public required YmlNodeKind Kind { get; init; }

    public required int Start { get; init; }

    /// <summary>Index just after the node's last character (for block collections: after their last scalar).</summary>
    public int End { get; set; }

    public required long Line { get; init; }

    public bool IsFlow { get; init; }

    public ScalarStyle Style { get; init; }

    /// <summary>Scalar text; null for a YAML null.</summary>
    public string? Value { get; init; }

    public List<YmlNode> Items { get; } = [];

    public List<YmlEntry> Entries { get; } = [];
}

internal sealed record YmlEntry(YmlNode Key, YmlNode Value)
{
    public string Name => Key.Value ?? string.Empty;
}

/// <summary>A leaf setting: its flat key, value, and the chain of entries from the root that spells the key.</summary>
internal sealed record YmlLeaf(string Key, YmlSettingValue Value, IReadOnlyList<YmlEntry> Path, IReadOnlyList<YmlNode> Mappings)
{
    public YmlEntry Entry => Path[^1];
}

/// <summary>
/// elasticsearch.yml parsed with YamlDotNet's event parser (which reports positions), and flattened the way
/// Elasticsearch flattens it: nested keys joined with dots, lists of scalars as lists.
/// </summary>
internal sealed class YmlDocument
{
    private YmlDocument(string text, YmlNode? root, List<YmlLeaf> leaves)
    {
        Text = text;
        Root = root;
        Leaves = leaves;
    }

    public string Text { get; }

    /// <summary>The root mapping; null for a file with no settings (empty, or only comments).</summary>
    public YmlNode? Root { get; }

    public IReadOnlyList<YmlLeaf> Leaves { get; }

    public static YmlDocument Parse(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        YmlNode? root = null;
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<DocumentStart>(out _))
            {
                root = ReadNode(parser, text, source);
                parser.Consume<DocumentEnd>();
                if (parser.Accept<DocumentStart>(out var second))
                {
                    throw ElasticsearchYmlErrors.Invalid(source, second.Start.Line, second.Start.Column, "more than one YAML document");
                }
            }

            parser.Consume<StreamEnd>();
        }
        catch (YamlException e)
        {
            throw ElasticsearchYmlErrors.Invalid(source, e.Start.Line, e.Start.Column, e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this (not a YamlException) for some unterminated flow collections.
            var at = parser.Current?.End ?? Mark.Empty;
            throw ElasticsearchYmlErrors.Invalid(source, at.Line, at.Column, "unterminated flow collection or scalar after this position", e);
        }

        if (root is { Kind: YmlNodeKind.Scalar, Value: null })
        {
            root = null;
        }

        if (root is not null && root.Kind != YmlNodeKind.Mapping)
        {
            throw ElasticsearchYmlErrors.Invalid(source, root.Line, 1, "the file must be a mapping of settings");
        }

        var leaves = new List<YmlLeaf>();
        if (root is not null)
        {
            var seen = new Dictionary<string, long>(StringComparer.Ordinal);
            Flatten(root, prefix: null, [], [], leaves, seen, source);
        }

        return new YmlDocument(text, root, leaves);
    }

    public IReadOnlyDictionary<string, YmlSettingValue> Settings() =>
        Leaves.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);

    public YmlLeaf? Find(string key) => Leaves.FirstOrDefault(l => l.Key == key);

    private static void Flatten(
        YmlNode mapping,
        string? prefix,
        List<YmlEntry> path,
        List<YmlNode> mappings,
        List<YmlLeaf> leaves,
        Dictionary<string, long> seen,
        string source)
    {
        mappings = [.. mappings, mapping];
        foreach (var entry in mapping.Entries)
        {
            string key = prefix is null ? entry.Name : prefix + "." + entry.Name;
            var entryPath = new List<YmlEntry>(path) { entry };
            var value = entry.Value;
            switch (value.Kind)
            {
                case YmlNodeKind.Mapping:
                    Flatten(value, key, entryPath, mappings, leaves, seen, source);
                    break;
                case YmlNodeKind.Sequence:
                    var items = value.Items.Select(item => item.Kind == YmlNodeKind.Scalar
                        ? item.Value ?? string.Empty
                        : throw ElasticsearchYmlErrors.Invalid(
                            source, item.Line, 1, $"[{key}]: only value lists are allowed in serialized settings"));
                    AddLeaf(new YmlLeaf(key, YmlSettingValue.FromList(items.ToList()), entryPath, mappings), leaves, seen, source);
                    break;
                default:
                    AddLeaf(new YmlLeaf(key, YmlSettingValue.FromScalar(value.Value), entryPath, mappings), leaves, seen, source);
                    break;
            }
        }
    }

    private static void AddLeaf(YmlLeaf leaf, List<YmlLeaf> leaves, Dictionary<string, long> seen, string source)
    {
        long line = leaf.Entry.Key.Line;
        if (seen.TryGetValue(leaf.Key, out long first))
        {
            throw ElasticsearchYmlErrors.Duplicate(source, leaf.Key, first, line);
        }

        seen.Add(leaf.Key, line);
        leaves.Add(leaf);
    }

    private static YmlNode ReadNode(IParser parser, string text, string source)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of the stream");
        switch (current)
        {
            case AnchorAlias alias:
                throw ElasticsearchYmlErrors.Invalid(source, alias.Start.Line, alias.Start.Column, "YAML aliases (*name) are not supported in elasticsearch.yml");
            case Scalar scalar:
                parser.MoveNext();
                return new YmlNode
                {
                    Kind = YmlNodeKind.Scalar,
                    Start = (int)scalar.Start.Index,
                    End = ScalarEnd(scalar, text),
                    Line = scalar.Start.Line,
                    Style = scalar.Style,
                    Value = IsNull(scalar) ? null : scalar.Value,
                };
            case SequenceStart sequenceStart:
            {
                parser.MoveNext();
                var node = new YmlNode
                {
                    Kind = YmlNodeKind.Sequence,
                    Start = (int)sequenceStart.Start.Index,
                    Line = sequenceStart.Start.Line,
                    IsFlow = sequenceStart.Style == SequenceStyle.Flow,
                };
                while (!parser.Accept<SequenceEnd>(out _))
                {
                    node.Items.Add(ReadNode(parser, text, source));
                }

                var end = parser.Consume<SequenceEnd>();
                node.End = node.IsFlow ? FlowEnd(text, end, ']') : node.Items.Count > 0 ? node.Items[^1].End : node.Start;
                return node;
            }

            case MappingStart mappingStart:
            {
                parser.MoveNext();
                var node = new YmlNode
                {
                    Kind = YmlNodeKind.Mapping,
                    Start = (int)mappingStart.Start.Index,
                    Line = mappingStart.Start.Line,
                    IsFlow = mappingStart.Style == MappingStyle.Flow,
                };
                while (!parser.Accept<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, text, source);
                    if (key.Kind != YmlNodeKind.Scalar)
                    {
                        throw ElasticsearchYmlErrors.Invalid(source, key.Line, 1, "setting names must be scalars");
                    }

                    node.Entries.Add(new YmlEntry(key, ReadNode(parser, text, source)));
                }

                var end = parser.Consume<MappingEnd>();
                node.End = node.IsFlow ? FlowEnd(text, end, '}') : node.Entries.Count > 0 ? node.Entries[^1].Value.End : node.Start;
                return node;
            }

            default:
                throw ElasticsearchYmlErrors.Invalid(source, current.Start.Line, current.Start.Column, $"unexpected {current.GetType().Name}");
        }
    }

    /// <summary>The parser reports a flow collection's end at its closing bracket; the span includes it.</summary>
    private static int FlowEnd(string text, ParsingEvent end, char bracket)
    {
        int index = text.IndexOf(bracket, (int)end.Start.Index);
        return index < 0 ? (int)end.End.Index : index + 1;
    }

    private static bool IsNull(Scalar scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>Block scalars (| and >) end where the next token starts; trim back to their last character.</summary>
    private static int ScalarEnd(Scalar scalar, string text)
    {
        int end = (int)scalar.End.Index;
        if (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded)
        {
            while (end > scalar.Start.Index && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }
        }

        return end;
    }
}
