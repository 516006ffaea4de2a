using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.NodeConfig;

namespace EckRemoteCluster.Engine.Diagnosis;

/// <summary>One entry of a node's server log: level, logger, message and the exception chain printed with it.</summary>
public sealed record NodeLogEntry(string Node, string File, DateTimeOffset? Timestamp, string Level, string Logger, string Message, string? Error)
{
    /// <summary>The message and every exception line ("Type: message", "Caused by: …", "Suppressed: …").</summary>
    public IEnumerable<string> Texts()
    {
        yield return Message;
        foreach (var line in (Error ?? string.Empty).Split('\n'))
        {
            var text = line.Trim();
            if (text.Length > 0 && !text.StartsWith("at ", StringComparison.Ordinal) && !text.StartsWith("...", StringComparison.Ordinal))
            {
                yield return text;
            }
        }
    }

    /// <summary>How the entry is quoted in a diagnosis: node, file, time, level, logger and the line that matched.</summary>
    public string Quote(string matched) =>
        $"{Node} {Path.GetFileName(File)}: [{Timestamp?.ToString("yyyy-MM-ddTHH:mm:ss,fff", CultureInfo.InvariantCulture)}][{Level}][{Logger}] "
        + (matched == Message ? Message : $"{Message} … {matched}");
}

/// <summary>Where a node's log ended when the reader looked: entries after it are new.</summary>
internal sealed record NodeLogMark(NodeDirectory Node, string? File, long Length);

/// <summary>
/// Reads the server log of a self-managed node the way its log4j2.properties writes it: path.logs from
/// elasticsearch.yml (default ES_HOME/logs, relative paths against ES_HOME, the config directory's parent), the file
/// named after cluster.name (default "elasticsearch"): the ECS JSON lines of <c>&lt;cluster&gt;_server.json</c> when
/// present, else the pattern layout of <c>&lt;cluster&gt;.log</c> (continuation lines carry the exception). The files
/// are read through the node's <see cref="INodeFiles"/>: locally, or on the node through its PowerShell session.
/// </summary>
internal static class NodeLogReader
{
    /// <summary>At most this much of a log is read per attempt: the entries of one connection attempt are far fewer.</summary>
    private const int MaxBytesPerRead = 4 * 1024 * 1024;

    private static readonly Regex PatternLine = new(
        @"^\[(?<time>[^\]]+)\]\[(?<level>[A-Z]+)\s*\]\[(?<logger>[^\]]+?)\s*\] \[(?<node>[^\]]*)\] ?(?<message>.*)$",
        RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>The server log file a node writes, or null when it has none yet.</summary>
    public static string? LogFile(NodeDirectory node)
    {
        var files = node.Files;
        var ymlPath = files.Combine(node.ConfigPath, "elasticsearch.yml");
        var settings = files.GetInfo(ymlPath) is null
            ? new Dictionary<string, YmlSettingValue>()
            : ElasticsearchYmlReader.Read(YmlFileText.Decode(files.ReadAllBytes(ymlPath)).Text, ymlPath);
        var home = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(node.ConfigPath))) ?? node.ConfigPath;
        var logs = settings.GetValueOrDefault("path.logs")?.Scalar is { Length: > 0 } configured
            ? Path.GetFullPath(configured, home)
            : files.Combine(home, "logs");
        var cluster = settings.GetValueOrDefault("cluster.name")?.Scalar is { Length: > 0 } name ? name : "elasticsearch";
        var json = files.Combine(logs, cluster + "_server.json");
        if (files.GetInfo(json) is not null)
        {
            return json;
        }

        var plain = files.Combine(logs, cluster + ".log");
        return files.GetInfo(plain) is not null ? plain : null;
    }

    public static NodeLogMark Mark(NodeDirectory node)
    {
        var file = LogFile(node);
        return new NodeLogMark(node, file, file is null ? 0 : node.Files.ReadChunk(file, long.MaxValue, 0)?.Length ?? 0);
    }

    /// <summary>The entries written after <paramref name="mark"/> (the whole file when the log was rotated or new).</summary>
    public static IReadOnlyList<NodeLogEntry> ReadSince(NodeLogMark mark)
    {
        var files = mark.Node.Files;
        var file = LogFile(mark.Node);
        if (file is null)
        {
            return [];
        }

        var chunk = files.ReadChunk(file, file == mark.File ? mark.Length : 0, MaxBytesPerRead);
        if (chunk is not null && chunk.Length < mark.Length && file == mark.File)
        {
            // Shorter than at the mark: rotated (or truncated) since, so everything in it is new.
            chunk = files.ReadChunk(file, 0, MaxBytesPerRead);
        }

        if (chunk is null)
        {
            return [];
        }

        var text = Encoding.UTF8.GetString(chunk.Bytes);
        var node = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(mark.Node.ConfigPath)))) ?? mark.Node.ConfigPath;
        return file.EndsWith(".json", StringComparison.Ordinal) ? ParseJson(text, file, node) : ParsePattern(text, file, node);
    }

    public static IReadOnlyList<NodeLogEntry> ParseJson(string text, string file, string fallbackNode)
    {
        var entries = new List<NodeLogEntry>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.TrimStart().StartsWith('{'))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                var error = Text("error.stack_trace") ?? (Text("error.type") is { } type ? $"{type}: {Text("error.message")}" : null);
                entries.Add(new NodeLogEntry(
                    Text("elasticsearch.node.name") ?? fallbackNode,
                    file,
                    DateTimeOffset.TryParse(Text("@timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null,
                    Text("log.level") ?? string.Empty,
                    Text("log.logger") ?? string.Empty,
                    Text("message") ?? string.Empty,
                    error));
            }
            catch (JsonException)
            {
                // A line cut by a concurrent write: the next read sees it whole.
            }
        }

        return entries;
    }

    public static IReadOnlyList<NodeLogEntry> ParsePattern(string text, string file, string fallbackNode)
    {
        var entries = new List<NodeLogEntry>();
        Match? current = null;
        var error = new StringBuilder();
        void Flush()
        {
            if (current is null)
            {
                return;
            }

            var node = current.Groups["node"].Value;
            entries.Add(new NodeLogEntry(
                node.Length > 0 ? node : fallbackNode,
                file,
                DateTimeOffset.TryParseExact(current.Groups["time"].Value, "yyyy-MM-dd'T'HH:mm:ss,fff", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var time) ? time : null,
                current.Groups["level"].Value,
                current.Groups["logger"].Value,
                current.Groups["message"].Value,
                error.Length > 0 ? error.ToString().TrimEnd('\n') : null));
            error.Clear();
        }

        foreach (var line in text.Split('\n'))
        {
            var match = PatternLine.Match(line.TrimEnd('\r'));
            if (match.Success)
            {
                Flush();
                current = match;
            }
            else if (current is not null && line.Trim().Length > 0)
            {
                error.Append(line.TrimEnd('\r')).Append('\n');
            }
        }

        Flush();
        return entries;
    }
}
