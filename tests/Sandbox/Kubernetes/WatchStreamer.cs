using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Sandbox.Kubernetes;

/// <summary>
/// ?watch=true: a chunked stream of {"type","object"} lines, from a resourceVersion (older than the retained history →
/// 410 Expired) or from the current state, with BOOKMARK events when allowWatchBookmarks is set and timeoutSeconds.
/// </summary>
public sealed class WatchStreamer(ResourceStore store, TablePrinter printer, TimeSpan bookmarkInterval, CancellationToken shutdown)
{
    public async Task StreamAsync(HttpContext context, ApiRoute route)
    {
        var query = context.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"]);
        var requestedVersion = query["resourceVersion"].FirstOrDefault();
        long? since = null;
        if (!string.IsNullOrEmpty(requestedVersion) && requestedVersion != "0")
        {
            since = long.TryParse(requestedVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw StatusErrors.BadRequest($"resourceVersion: Invalid value: \"{requestedVersion}\": must be an integer");
        }

        var bookmarks = query["allowWatchBookmarks"].ToString() is "true" or "1";
        var table = KubernetesApiHandler.WantsTable(context.Request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, shutdown);
        if (int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        using var watch = store.Watch(since);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync(context.RequestAborted);
        // kube-apiserver sends the status line and headers at once (WriteHeader, then Flush) and flushes each event as
        // it is encoded: a client's watch is established before the first change, not when it arrives.
        await context.Response.Body.FlushAsync(context.RequestAborted);

        var lastVersion = watch.StartVersion;
        bool Relevant(StoredEvent e) =>
            e.Type == route.Type
            && (route.Namespace is null || ObjectMeta.Namespace(e.Event.Object) == route.Namespace)
            && labels.Matches(ObjectMeta.Labels(e.Event.Object)) && fields.Matches(e.Event.Object);

        try
        {
            foreach (var stored in watch.Initial.Where(Relevant))
            {
                await WriteEventAsync(context, route, stored.Event.Type, stored.Event.Object, table);
            }

            var nextBookmark = DateTime.UtcNow + bookmarkInterval;
            while (!timeout.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                if (bookmarks)
                {
                    var delay = nextBookmark - DateTime.UtcNow;
                    wait.CancelAfter(delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
                }

                try
                {
                    var stored = await watch.Live.ReadAsync(wait.Token);
                    lastVersion = stored.Version;
                    if (Relevant(stored))
                    {
                        await WriteEventAsync(context, route, stored.Event.Type, stored.Event.Object, table);
                    }
                }
                catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
                {
                    nextBookmark = DateTime.UtcNow + bookmarkInterval;
                    await WriteBookmarkAsync(context, route, lastVersion);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, client disconnect or shutdown: the stream simply ends, as kube-apiserver ends it.
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
        }
    }

    private async Task WriteEventAsync(HttpContext context, ApiRoute route, string type, JsonObject obj, bool table)
    {
        JsonObject payload = KubernetesApiHandler.ToRequestedVersion(route, obj);
        if (table)
        {
            payload = printer.Table(route.Type, [payload], ObjectMeta.ResourceVersion(obj) ?? "", KubernetesApiHandler.IncludeObject(context.Request));
        }

        await WriteLineAsync(context, new JsonObject { ["type"] = type, ["object"] = payload });
    }

    private static Task WriteBookmarkAsync(HttpContext context, ApiRoute route, long version) =>
        WriteLineAsync(context, new JsonObject
        {
            ["type"] = "BOOKMARK",
            ["object"] = new JsonObject
            {
                ["kind"] = route.Type.Kind,
                ["apiVersion"] = route.Type.Group.Length == 0 ? route.RequestedVersion : $"{route.Type.Group}/{route.RequestedVersion}",
                ["metadata"] = new JsonObject
                {
                    ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture),
                    ["creationTimestamp"] = null,
                },
            },
        });

    private static async Task WriteLineAsync(HttpContext context, JsonObject line)
    {
        var bytes = Encoding.UTF8.GetBytes(line.ToJsonString(JsonOptions.Unescaped) + "\n");
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
