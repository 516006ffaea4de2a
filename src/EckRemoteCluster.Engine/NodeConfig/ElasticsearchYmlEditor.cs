using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// Sets and removes settings in elasticsearch.yml text while keeping every comment, blank line and the order of keys:
/// an edit splices only the characters of the value (or the lines of the entry) it changes. A key is found however
/// the file spells it — flat <c>a.b.c: x</c>, nested, or mixed — and updated where it is. After each edit the result is
/// parsed again and must hold exactly the previous settings plus the change, or the edit is refused.
/// </summary>
public sealed partial class ElasticsearchYmlEditor
{
    private readonly string _source;
    private readonly string _originalText;
    private YmlDocument _document;

    public ElasticsearchYmlEditor(string text, string source = "elasticsearch.yml")
    {
        _source = source;
        _originalText = text;
        _document = YmlDocument.Parse(text, source);
    }

    public string Text => _document.Text;

    /// <summary>Whether the text now differs from the text the editor was given.</summary>
    public bool Changed => !string.Equals(Text, _originalText, StringComparison.Ordinal);

    public IReadOnlyDictionary<string, YmlSettingValue> Settings => _document.Settings();

    public bool Set(string key, string value) => Set(key, YmlSettingValue.FromScalar(value));

    public bool Set(string key, IEnumerable<string> items) => Set(key, YmlSettingValue.FromList(items));

    /// <summary>Sets the key to the value; returns false when the file already says exactly that.</summary>
    public bool Set(string key, YmlSettingValue value)
    {
        ValidateKey(key);
        var leaf = _document.Find(key);
        if (leaf is not null && leaf.Value.Equals(value))
        {
            return false;
        }

        string text = leaf is null ? Insert(key, value) : Replace(leaf, value);
        var expected = new Dictionary<string, YmlSettingValue>(_document.Settings(), StringComparer.Ordinal) { [key] = value };
        Commit(text, key, expected);
        return true;
    }

    /// <summary>Removes the key's entry, and any parent entries it leaves empty; returns false when it was not set.</summary>
    public bool Remove(string key)
    {
        ValidateKey(key);
        var leaf = _document.Find(key);
        if (leaf is null)
        {
            return false;
        }

        EnsureBlockMappings(leaf);
        string text = Text;
        var ranges = new List<(int Start, int End)> { (EntryLineStart(leaf.Entry), LineEndInclusive(text, leaf.Entry.Value.End)) };

        // Removing the only child of `xpack.security:` would leave `xpack.security: null` behind, a different setting.
        for (int depth = leaf.Path.Count - 2; depth >= 0 && leaf.Path[depth].Value.Entries.Count == 1; depth--)
        {
            var parent = leaf.Path[depth];
            ranges.Add((EntryLineStart(parent), LineEndInclusive(text, parent.Key.End)));
        }

        foreach (var (start, end) in ranges.OrderByDescending(r => r.Start))
        {
            text = text.Remove(start, end - start);
        }

        var expected = new Dictionary<string, YmlSettingValue>(_document.Settings(), StringComparer.Ordinal);
        expected.Remove(key);
        Commit(text, key, expected);
        return true;
    }

    private string Replace(YmlLeaf leaf, YmlSettingValue value)
    {
        EnsureBlockMappings(leaf);
        string text = Text;
        var node = leaf.Entry.Value;
        switch (node.Kind)
        {
            case YmlNodeKind.Scalar when node.Value is null && node.Start == node.End:
                return text.Insert(ColonEnd(leaf), " " + Render(value, ScalarStyle.Plain));
            case YmlNodeKind.Scalar:
                return Splice(text, node.Start, node.End, Render(value, node.Style));
            case YmlNodeKind.Sequence when node.IsFlow:
                return Splice(text, node.Start, node.End, value.IsList
                    ? YmlScalarWriter.FlowList(value.Items, FlowStyleOf(node))
                    : Render(value, ScalarStyle.Plain));
            case YmlNodeKind.Sequence when value.IsList && value.Items.Count > 0 && node.Items.Count > 0:
                return ReplaceBlockItems(text, node, value.Items, leaf.Key);
            default:
                int start = ColonEnd(leaf);
                return Splice(text, start, LineEnd(text, node.End), " " + Render(value, ScalarStyle.Plain));
        }
    }

    /// <summary>
    /// Rewrites a block list item by item: an item that stays in position keeps its line (and its trailing comment),
    /// surplus lines go, extra items follow the last one with the same indentation and dash.
    /// </summary>
    private string ReplaceBlockItems(string text, YmlNode sequence, IReadOnlyList<string> items, string key)
    {
        var old = sequence.Items;
        string prefix = text[LineStart(text, old[0].Start)..old[0].Start];
        if (!BlockItemPrefix().IsMatch(prefix))
        {
            throw ElasticsearchYmlErrors.EditFailed(_source, key, "the list is not written one '- item' per line");
        }

        var edits = new List<(int Start, int End, string Text)>();
        for (int i = 0; i < Math.Min(old.Count, items.Count); i++)
        {
            edits.Add((old[i].Start, old[i].End, YmlScalarWriter.Scalar(items[i], old[i].Style)));
        }

        for (int i = items.Count; i < old.Count; i++)
        {
            edits.Add((LineStart(text, old[i].Start), LineEndInclusive(text, old[i].End), string.Empty));
        }

        if (items.Count > old.Count)
        {
            int at = LineEndInclusive(text, old[^1].End);
            string newline = NewLine(text);
            string lead = at == text.Length && !text.EndsWith('\n') ? newline : string.Empty;
            var lines = items.Skip(old.Count).Select(item => prefix + YmlScalarWriter.Scalar(item, old[^1].Style) + newline);
            edits.Add((at, at, lead + string.Concat(lines)));
        }

        foreach (var (start, end, replacement) in edits.OrderByDescending(e => e.Start))
        {
            text = Splice(text, start, end, replacement);
        }

        return text;
    }

    /// <summary>
    /// A new key goes where a person would add it: right after a flat sibling already at the top level (so
    /// xpack.security.remote_cluster_client.ssl.* settings stay together), else at the end of the file. Never inside
    /// the SECURITY AUTO CONFIGURATION block, which Elasticsearch's tools own and rewrite; when the file ends with that
    /// block a blank line keeps the addition visibly apart from it. Written flat, so it cannot change the meaning of
    /// any nested block around it.
    /// </summary>
    private string Insert(string key, YmlSettingValue value)
    {
        if (_document.Root is { IsFlow: true })
        {
            throw ElasticsearchYmlErrors.EditFailed(_source, key, "the file is written as one flow mapping { ... }");
        }

        string text = Text;
        string newline = NewLine(text);
        string line = key + ": " + Render(value, ScalarStyle.Plain) + newline;
        var blocks = AutoConfigBlocks(text);
        string parent = Parent(key);
        var sibling = _document.Leaves.LastOrDefault(l =>
            l.Path.Count == 1 && parent.Length > 0 && Parent(l.Key) == parent
            && !blocks.Any(b => l.Entry.Key.Start >= b.Start && l.Entry.Key.Start < b.End));
        if (sibling is not null)
        {
            int at = LineEndInclusive(text, sibling.Entry.Value.End);
            string lead = at == text.Length && !text.EndsWith('\n') ? newline : string.Empty;
            return text.Insert(at, lead + line);
        }

        string separator = text.Length > 0 && !text.EndsWith('\n') ? newline : string.Empty;
        if (blocks.Count > 0 && text[blocks[^1].End..].Trim().Length == 0 && blocks[^1].Terminated)
        {
            separator += newline;
        }

        return text + separator + line;
    }

    private void Commit(string text, string key, Dictionary<string, YmlSettingValue> expected)
    {
        YmlDocument parsed;
        try
        {
            parsed = YmlDocument.Parse(text, _source);
        }
        catch (EckRemoteClusterException e)
        {
            throw ElasticsearchYmlErrors.EditFailed(_source, key, "the edited text does not parse: " + e.Message);
        }

        var actual = parsed.Settings();
        bool same = actual.Count == expected.Count
            && expected.All(p => actual.TryGetValue(p.Key, out var v) && v.Equals(p.Value));
        if (!same)
        {
            throw ElasticsearchYmlErrors.EditFailed(_source, key, "the edited text does not read back as the intended settings");
        }

        _document = parsed;
    }

    private void EnsureBlockMappings(YmlLeaf leaf)
    {
        if (leaf.Mappings.Any(m => m.IsFlow))
        {
            throw ElasticsearchYmlErrors.EditFailed(_source, leaf.Key, "it is written inside a flow mapping { ... }");
        }
    }

    private int ColonEnd(YmlLeaf leaf)
    {
        string text = Text;
        int i = leaf.Entry.Key.End;
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i < text.Length && text[i] == ':'
            ? i + 1
            : throw ElasticsearchYmlErrors.EditFailed(_source, leaf.Key, "its key is not followed by ':'");
    }

    private int EntryLineStart(YmlEntry entry)
    {
        int start = LineStart(Text, entry.Key.Start);
        return Text[start..entry.Key.Start].Trim().Length == 0
            ? start
            : throw ElasticsearchYmlErrors.EditFailed(_source, entry.Name, "its line holds more than this setting");
    }

    private static string Render(YmlSettingValue value, ScalarStyle preferred) =>
        value.IsList ? YmlScalarWriter.FlowList(value.Items, YmlScalarWriter.FlowListStyle.Default)
        : value.Scalar is null ? "null"
        : YmlScalarWriter.Scalar(value.Scalar, preferred);

    private YmlScalarWriter.FlowListStyle FlowStyleOf(YmlNode sequence) => sequence.Items.Count == 0
        ? YmlScalarWriter.FlowListStyle.Default
        : new(Text.Length > sequence.Start + 1 && Text[sequence.Start + 1] == ' ', sequence.Items[0].Style);

    private static void ValidateKey(string key)
    {
        if (!SettingKey().IsMatch(key ?? string.Empty))
        {
            throw new EckRemoteClusterException(
                ErrorIds.InvalidSettingKey,
                EckErrorCategory.InvalidArgument,
                $"[{key}] is not an Elasticsearch setting key.",
                "Give the flat setting key, e.g. xpack.security.remote_cluster_client.ssl.certificate_authorities.",
                key);
        }
    }

    private static string Parent(string key)
    {
        int dot = key.LastIndexOf('.');
        return dot < 0 ? string.Empty : key[..dot];
    }

    private static string Splice(string text, int start, int end, string replacement) =>
        string.Concat(text.AsSpan(0, start), replacement, text.AsSpan(end));

    private static string NewLine(string text) => text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";

    private static int LineStart(string text, int index) => index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;

    /// <summary>The index of the line break ending the line that holds index (or the end of the text).</summary>
    private static int LineEnd(string text, int index)
    {
        int i = index;
        while (i < text.Length && text[i] is not ('\n' or '\r'))
        {
            i++;
        }

        return i;
    }

    /// <summary>The index just past the line break that ends the line holding index (node ends never include one).</summary>
    private static int LineEndInclusive(string text, int index)
    {
        int newline = text.IndexOf('\n', index);
        return newline < 0 ? text.Length : newline + 1;
    }

    private static List<(int Start, int End, bool Terminated)> AutoConfigBlocks(string text)
    {
        var blocks = new List<(int Start, int End, bool Terminated)>();
        foreach (Match begin in AutoConfigBegin().Matches(text))
        {
            var end = AutoConfigEnd().Match(text, begin.Index);
            blocks.Add(end.Success ? (begin.Index, end.Index + end.Length, true) : (begin.Index, text.Length, false));
        }

        return blocks;
    }

    [GeneratedRegex(@"^#-+ BEGIN SECURITY AUTO CONFIGURATION -+[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex AutoConfigBegin();

    [GeneratedRegex(@"^#-+ END SECURITY AUTO CONFIGURATION -+[ \t]*\r?$", RegexOptions.Multiline)]
    private static partial Regex AutoConfigEnd();

    [GeneratedRegex(@"\A[ \t]*-[ \t]+\z")]
    private static partial Regex BlockItemPrefix();

    [GeneratedRegex(@"\A[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*\z")]
    private static partial Regex SettingKey();
}
