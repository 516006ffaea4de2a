using Microsoft.AspNetCore.Http;

namespace Sandbox.Control;

/// <summary>Writes the body of an injected status fault in the endpoint's own error format (Status or ES error).</summary>
public delegate Task FaultBodyWriter(HttpContext context, int status);

/// <summary>
/// Middleware for any endpoint the tests watch: logs each request to the <see cref="RequestLog"/> and applies armed
/// faults first. The Kubernetes API uses it with target "kubernetes"; each Elasticsearch node with its node and cluster names.
/// </summary>
public sealed class RequestRecorder(RequestLog log, FaultInjector faults)
{
    /// <param name="targets">Names a fault may target; the first is the one logged.</param>
    /// <param name="userOf">The authenticated user, read after the request was served.</param>
    /// <param name="classify">Overrides the method's mutating verdict for requests the endpoint knows better (null: by method).</param>
    public Func<HttpContext, RequestDelegate, Task> Middleware(
        IReadOnlyList<string> targets, Func<HttpContext, string?> userOf, FaultBodyWriter faultBody,
        Func<HttpRequest, RequestClassification?>? classify = null) =>
        async (context, next) =>
        {
            var request = context.Request;
            var pathAndQuery = $"{request.PathBase}{request.Path}{request.QueryString}";
            var time = DateTimeOffset.UtcNow;
            var fault = faults.Take(targets, request.Method, pathAndQuery);
            var classification = classify?.Invoke(request);
            var logged = 0;
            var begun = log.Begin();
            LoggedRequest? open = null;
            void Log(int status, bool ended)
            {
                if (Interlocked.Exchange(ref logged, 1) == 0)
                {
                    var entry = new LoggedRequest(time, userOf(context), request.Method, pathAndQuery, request.ContentType, status,
                        classification?.Mutating ?? RequestLog.IsMutating(request.Method), targets[0], classification?.Note);
                    if (ended)
                    {
                        log.Add(entry, begun);
                    }
                    else
                    {
                        open = entry;
                        log.AddServing(entry, begun);
                    }
                }
            }

            // An upgraded request (a port-forward's WebSocket) is served until the tunnel closes, which may be after the test
            // has read the log: it is logged when its 101 goes out.
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode == StatusCodes.Status101SwitchingProtocols)
                {
                    Log(StatusCodes.Status101SwitchingProtocols, ended: false);
                }

                return Task.CompletedTask;
            });
            try
            {
                switch (fault?.Action)
                {
                    case "reset":
                        context.Abort();
                        return;
                    case "status":
                        await faultBody(context, fault.Status);
                        return;
                    case "delay":
                        await Task.Delay(fault.DelayMs, context.RequestAborted);
                        break;
                    case "hold":
                        await faults.HoldAsync(context.RequestAborted);
                        break;
                    case "holdAnswer":
                        // The endpoint runs now; its status line waits. A node stopping meanwhile aborts the request,
                        // the hold throws, and the connection closes with no answer.
                        context.Response.OnStarting(() => faults.HoldAsync(context.RequestAborted));
                        break;
                }

                await next(context);
            }
            finally
            {
                Log(fault?.Action == "reset" ? 0 : context.Response.StatusCode, ended: true);
                if (open is not null)
                {
                    log.Served(open);
                }
            }
        };
}
