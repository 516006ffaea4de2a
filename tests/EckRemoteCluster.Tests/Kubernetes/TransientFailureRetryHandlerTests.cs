using System.Net;
using EckRemoteCluster.Engine.Kubernetes;

namespace EckRemoteCluster.Tests.Kubernetes;

public sealed class TransientFailureRetryHandlerTests
{
    [Fact]
    public async Task RetriesA503AndSendsTheSameBodyAgain()
    {
        var server = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);

        var response = await Send(server, HttpMethod.Patch, """{"spec":{}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["""{"spec":{}}""", """{"spec":{}}"""], server.Bodies);
    }

    [Fact]
    public async Task RetriesAConflictOnlyForAPatch()
    {
        var patch = new ScriptedHandler(HttpStatusCode.Conflict, HttpStatusCode.OK);
        var create = new ScriptedHandler(HttpStatusCode.Conflict, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, (await Send(patch, HttpMethod.Patch, "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Send(create, HttpMethod.Post, "{}")).StatusCode);
        Assert.Single(create.Bodies);
    }

    [Fact]
    public async Task GivesUpAfterMaxAttemptsWithTheLastAnswer()
    {
        var server = new ScriptedHandler(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 10).ToArray());

        var response = await Send(server, HttpMethod.Get, null);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TransientFailureRetryHandler.MaxAttempts, server.Bodies.Count);
    }

    [Fact]
    public async Task DoesNotRetryA404()
    {
        var server = new ScriptedHandler(HttpStatusCode.NotFound, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NotFound, (await Send(server, HttpMethod.Get, null)).StatusCode);
    }

    private static Task<HttpResponseMessage> Send(ScriptedHandler server, HttpMethod method, string? body)
    {
        var invoker = new HttpMessageInvoker(new TransientFailureRetryHandler { InnerHandler = server });
        var request = new HttpRequestMessage(method, "http://api.invalid/apis/x") { Content = body is null ? null : new StringContent(body) };
        return invoker.SendAsync(request, CancellationToken.None);
    }

    /// <summary>Answers the given statuses in turn, with Retry-After 0 so the tests do not sleep.</summary>
    private sealed class ScriptedHandler(params HttpStatusCode[] statuses) : HttpMessageHandler
    {
        private int _next;

        public List<string?> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Bodies.Add(request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
            var response = new HttpResponseMessage(statuses[Math.Min(_next++, statuses.Length - 1)]);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            return response;
        }
    }
}
