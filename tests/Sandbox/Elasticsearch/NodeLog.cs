using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Sandbox.Elasticsearch;

/// <summary>
/// A Java exception as Elasticsearch's loggers print it: class, message, cause chain and suppressed exceptions.
/// </summary>
public sealed record LoggedException(string JavaType, string Message, LoggedException? Cause = null, IReadOnlyList<LoggedException>? Suppressed = null)
{
    private static readonly Dictionary<string, string> JavaTypes = new(StringComparer.Ordinal)
    {
        ["connect_transport_exception"] = "org.elasticsearch.transport.ConnectTransportException",
        ["no_seed_node_left_exception"] = "org.elasticsearch.transport.NoSeedNodeLeftException",
        ["no_such_remote_cluster_exception"] = "org.elasticsearch.transport.NoSuchRemoteClusterException",
        ["remote_transport_exception"] = "org.elasticsearch.transport.RemoteTransportException",
        ["security_exception"] = "org.elasticsearch.ElasticsearchSecurityException",
        ["illegal_argument_exception"] = "java.lang.IllegalArgumentException",
        ["illegal_state_exception"] = "java.lang.IllegalStateException",
        ["s_s_l_handshake_exception"] = "javax.net.ssl.SSLHandshakeException",
        ["ssl_handshake_timeout_exception"] = "io.netty.handler.ssl.SslHandshakeTimeoutException",
        ["connect_exception"] = "io.netty.channel.AbstractChannel$AnnotatedConnectException",
        ["unknown_host_exception"] = "java.net.UnknownHostException",
        ["stream_corrupted_exception"] = "java.io.StreamCorruptedException",
    };

    /// <summary>The exception behind an Elasticsearch error object, its causes and suppressed ones included.</summary>
    public static LoggedException From(EsException e) => new(
        JavaTypes.GetValueOrDefault(e.Type, "org.elasticsearch.ElasticsearchException"),
        e.Reason,
        e.CausedBy is null ? null : From(e.CausedBy),
        e.Suppressed.Count == 0 ? null : [.. e.Suppressed.Select(From)]);

    /// <summary>Throwable.printStackTrace without frames: "Type: message", then "Caused by:" and "\tSuppressed:" lines.</summary>
    public string StackTrace()
    {
        var text = new StringBuilder();
        Append(text, string.Empty, string.Empty);
        return text.ToString().TrimEnd('\n');
    }

    private void Append(StringBuilder text, string prefix, string indent)
    {
        text.Append(indent).Append(prefix).Append(JavaType).Append(": ").Append(Message).Append('\n');
        foreach (var suppressed in Suppressed ?? [])
        {
            suppressed.Append(text, "Suppressed: ", indent + "\t");
        }

        Cause?.Append(text, "Caused by: ", indent);
    }
}

/// <summary>
/// What a node writes under path.logs, as Elasticsearch's default log4j2.properties does: the plain-text
/// <c>&lt;cluster.name&gt;.log</c> (pattern <c>[%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n</c>) and the ECS
/// JSON lines of <c>&lt;cluster.name&gt;_server.json</c>. A node without a config directory (an ECK pod) logs the JSON
/// lines to its console instead, which the Kubernetes API serves as the pod's log.
/// </summary>
public sealed class NodeLog(EsNode node)
{
    private const int MaxConsoleLines = 2000;

    // Log4j's JSON layout escapes only what JSON requires: quotes and apostrophes stay as they are.
    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
    private readonly Lock _gate = new();
    private readonly LinkedList<string> _console = new();

    /// <summary>The ECS JSON lines an ECK pod printed (what <c>kubectl logs</c> shows), oldest first.</summary>
    public IReadOnlyList<string> ConsoleLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _console];
            }
        }
    }

    public void Info(string logger, string message) => Write("INFO", logger, message, null);

    public void Warn(string logger, string message, LoggedException? error = null) => Write("WARN", logger, message, error);

    public void Write(string level, string logger, string message, LoggedException? error)
    {
        var now = DateTimeOffset.UtcNow;
        var json = JsonLine(now, level, logger, message, error);
        lock (_gate)
        {
            if (LogsPath() is { } directory)
            {
                var clusterName = node.Cluster.State.ClusterName;
                try
                {
                    Directory.CreateDirectory(directory);
                    File.AppendAllText(Path.Combine(directory, clusterName + ".log"), PatternLine(now, level, logger, message, error), Encoding.UTF8);
                    File.AppendAllText(Path.Combine(directory, clusterName + "_server.json"), json + "\n", Encoding.UTF8);
                }
                catch (IOException)
                {
                    // Elasticsearch keeps running when its log file cannot be written (log4j reports to the status logger).
                }
            }
            else
            {
                _console.AddLast(json);
                while (_console.Count > MaxConsoleLines)
                {
                    _console.RemoveFirst();
                }
            }
        }
    }

    /// <summary>path.logs of a self-managed node (relative paths resolve against ES_HOME, the config directory's parent).</summary>
    private string? LogsPath()
    {
        if (node.Config.ConfigDir is not { } configDir)
        {
            return null;
        }

        var home = Path.GetDirectoryName(Path.GetFullPath(configDir))!;
        var configured = node.Config.Settings.GetValueOrDefault("path.logs")?.ToString();
        return string.IsNullOrEmpty(configured) ? Path.Combine(home, "logs") : Path.GetFullPath(configured, home);
    }

    /// <summary>%c{1.}: every package segment cut to its first letter, the class name kept.</summary>
    public static string AbbreviateLogger(string logger)
    {
        var parts = logger.Split('.');
        return string.Join('.', parts.Select((p, i) => i < parts.Length - 1 && p.Length > 0 ? p[..1] : p));
    }

    private string PatternLine(DateTimeOffset now, string level, string logger, string message, LoggedException? error)
    {
        var line = $"[{now.ToString("yyyy-MM-dd'T'HH:mm:ss,fff", CultureInfo.InvariantCulture)}][{level,-5}][{AbbreviateLogger(logger),-25}] [{node.Name}] {message}\n";
        return error is null ? line : line + error.StackTrace() + "\n";
    }

    private string JsonLine(DateTimeOffset now, string level, string logger, string message, LoggedException? error)
    {
        var json = new JsonObject
        {
            ["@timestamp"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["log.level"] = level,
            ["message"] = message,
            ["ecs.version"] = "1.2.0",
            ["service.name"] = "ES_ECS",
            ["event.dataset"] = "elasticsearch.server",
            ["process.thread.name"] = $"elasticsearch[{node.Name}][transport_worker][T#1]",
            ["log.logger"] = logger,
            ["elasticsearch.cluster.uuid"] = node.Cluster.State.ClusterUuid,
            ["elasticsearch.node.id"] = node.Id,
            ["elasticsearch.node.name"] = node.Name,
            ["elasticsearch.cluster.name"] = node.Cluster.State.ClusterName,
        };
        if (error is not null)
        {
            json["error.type"] = error.JavaType;
            json["error.message"] = error.Message;
            json["error.stack_trace"] = error.StackTrace();
        }

        return json.ToJsonString(JsonOptions);
    }
}
