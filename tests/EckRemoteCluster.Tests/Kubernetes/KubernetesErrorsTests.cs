using System.Net;
using System.Net.WebSockets;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;
using k8s.Autorest;

namespace EckRemoteCluster.Tests.Kubernetes;

public sealed class KubernetesErrorsTests
{
    private static readonly KubernetesSession Session = new(null!, new KubernetesTarget(null, "prod"), "prod", "default");

    [Fact]
    public void PlainNotFoundOnElasticsearchesMeansEckIsNotInstalled()
    {
        var error = Translate(HttpStatusCode.NotFound, FakeKubernetesApi.NotFoundStatus(null), Operation("get", "elasticsearches", "quickstart"));

        Assert.Equal("EckNotInstalled", error.ErrorId);
        Assert.Equal(EckErrorCategory.NotInstalled, error.Category);
        Assert.Contains("install ECK", error.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void NotFoundNamingTheObjectMeansTheClusterIsMissing()
    {
        var error = Translate(HttpStatusCode.NotFound, FakeKubernetesApi.NotFoundStatus("quickstart"), Operation("get", "elasticsearches", "quickstart"));

        Assert.Equal("EckClusterNotFound", error.ErrorId);
        Assert.Equal("quickstart", error.Target);
    }

    [Fact]
    public void NotFoundOfAnotherResourceIsAMissingObjectEckWillCreate()
    {
        var error = Translate(HttpStatusCode.NotFound, FakeKubernetesApi.NotFoundStatus("quickstart-es-elastic-user"), Operation("get", "secrets", "quickstart-es-elastic-user"));

        Assert.Equal("KubernetesObjectNotFound", error.ErrorId);
        Assert.Contains("secrets 'elastic/quickstart-es-elastic-user'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForbiddenQuotesTheApiServerAndSuggestsKubectlAuthCanI()
    {
        const string body = """{"kind":"Status","status":"Failure","message":"elasticsearches.elasticsearch.k8s.elastic.co \"quickstart\" is forbidden: User \"viewer\" cannot patch resource","reason":"Forbidden","code":403}""";

        var error = Translate(HttpStatusCode.Forbidden, body, Operation("patch", "elasticsearches", "quickstart"));

        Assert.Equal("KubernetesForbidden", error.ErrorId);
        Assert.Equal(EckErrorCategory.PermissionDenied, error.Category);
        Assert.Contains("User \"viewer\" cannot patch", error.Message, StringComparison.Ordinal);
        Assert.Contains("kubectl auth can-i patch elasticsearches -n elastic --context prod", error.RecommendedAction, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "Forbidden")]
    [InlineData(HttpStatusCode.UnprocessableEntity, "Invalid")]
    public void AWebhookRefusalIsNotAnRbacProblem(HttpStatusCode status, string reason)
    {
        var body = $$"""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"admission webhook \"elastic-es-validation-v1.k8s.elastic.co\" denied the request: Elasticsearch.elasticsearch.k8s.elastic.co \"quickstart\" is invalid: spec.remoteClusterServer: Invalid value: \"8.9.0\": minimum required version for remote cluster server is 8.10.0-1 but desired version is 8.9.0","reason":"{{reason}}","code":{{(int)status}}}
            """;

        var error = Translate(status, body, Operation("patch", "elasticsearches", "quickstart"));

        Assert.Equal("KubernetesAdmissionDenied", error.ErrorId);
        Assert.Equal(EckErrorCategory.InvalidData, error.Category);
        Assert.Contains("minimum required version for remote cluster server is 8.10.0-1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("auth can-i", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Contains("Get-EckCluster", error.RecommendedAction, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "KubernetesUnauthorized")]
    [InlineData(HttpStatusCode.Conflict, "KubernetesConflict")]
    [InlineData(HttpStatusCode.UnprocessableEntity, "KubernetesRequestInvalid")]
    [InlineData(HttpStatusCode.BadRequest, "KubernetesRequestInvalid")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "KubernetesUnavailable")]
    [InlineData(HttpStatusCode.TooManyRequests, "KubernetesUnavailable")]
    [InlineData(HttpStatusCode.InternalServerError, "KubernetesUnavailable")]
    [InlineData(HttpStatusCode.MethodNotAllowed, "KubernetesRequestFailed")]
    public void StatusCodesMapToTheirErrorIds(HttpStatusCode status, string errorId)
    {
        var error = Translate(status, """{"kind":"Status","message":"the reason"}""", Operation("patch", "elasticsearches", "quickstart"));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains("the reason", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABodyThatIsNotAStatusIsQuotedAsItIs()
    {
        var error = Translate(HttpStatusCode.BadGateway, "<html>bad gateway</html>", Operation("get", "elasticsearches", "quickstart"));

        Assert.Equal("KubernetesRequestFailed", error.ErrorId);
        Assert.Contains("<html>bad gateway</html>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusedPortForwardUpgradeIsReadFromTheWebSocketMessage()
    {
        var refused = new WebSocketException("The server returned status code '403' when status code '101' was expected.");

        var error = KubernetesErrors.Translate(refused, Operation("create", "pods/portforward", "quickstart-es-default-0"));

        Assert.Equal("KubernetesForbidden", error?.ErrorId);
    }

    [Fact]
    public void NetworkFailureMeansUnreachable()
    {
        var error = KubernetesErrors.Translate(new HttpRequestException("Connection refused"), Operation("list", "elasticsearches", null));

        Assert.Equal("KubernetesUnreachable", error?.ErrorId);
        Assert.Contains("kubectl cluster-info --context prod", error?.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreachableNamesTheInnermostCause()
    {
        var failure = new HttpRequestException("An error occurred while sending the request.", new IOException("The response ended prematurely."));

        var error = KubernetesErrors.Translate(failure, Operation("get", "secrets", "quickstart-es-elastic-user"));

        Assert.Contains("An error occurred while sending the request. (The response ended prematurely.)", error?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("list")]
    public async Task AReadWhoseConnectionFailsIsSentAgain(string verb)
    {
        var calls = 0;
        var answer = await KubernetesErrors.Run(Operation(verb, "services", "quickstart-es-http"), () =>
        {
            calls++;
            return calls < KubernetesErrors.ReadAttempts
                ? throw new HttpRequestException("An error occurred while sending the request.", new IOException("The response ended prematurely."))
                : Task.FromResult("answered");
        }, CancellationToken.None);

        Assert.Equal("answered", answer);
        Assert.Equal(KubernetesErrors.ReadAttempts, calls);
    }

    [Fact]
    public async Task AReadThatKeepsFailingEndsUnreachableAfterItsAttempts()
    {
        var calls = 0;
        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() => KubernetesErrors.Run<string>(Operation("get", "secrets", "x"), () =>
        {
            calls++;
            throw new HttpRequestException("Connection refused");
        }, CancellationToken.None));

        Assert.Equal("KubernetesUnreachable", error.ErrorId);
        Assert.Equal(KubernetesErrors.ReadAttempts, calls);
    }

    [Fact]
    public async Task CtrlCDuringTheWaitBeforeAResendStopsTheReadAtOnce()
    {
        using var cancellation = new CancellationTokenSource();
        var calls = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => KubernetesErrors.Run<string>(Operation("get", "secrets", "x"), () =>
        {
            calls++;
            cancellation.Cancel();
            throw new HttpRequestException("An error occurred while sending the request.", new IOException("The response ended prematurely."));
        }, cancellation.Token));

        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData("patch")]
    [InlineData("create")]
    [InlineData("delete")]
    public async Task AWriteIsNotSentAgainSinceTheServerMayHaveAppliedIt(string verb)
    {
        var calls = 0;
        var error = await Assert.ThrowsAsync<EckRemoteClusterException>(() => KubernetesErrors.Run<string>(Operation(verb, "services", "x"), () =>
        {
            calls++;
            throw new HttpRequestException("An error occurred while sending the request.", new IOException("The response ended prematurely."));
        }, CancellationToken.None));

        Assert.Equal("KubernetesUnreachable", error.ErrorId);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task AnAnswerWithAStatusIsNotSentAgain()
    {
        var calls = 0;
        await Assert.ThrowsAsync<EckRemoteClusterException>(() => KubernetesErrors.Run<string>(Operation("get", "secrets", "x"), () =>
        {
            calls++;
            throw new HttpOperationException("Operation returned an invalid status code")
            {
                Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.Forbidden), """{"kind":"Status","message":"forbidden"}"""),
            };
        }, CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public void ExceptionsItDoesNotKnowAreLeftAlone()
    {
        Assert.Null(KubernetesErrors.Translate(new InvalidOperationException("bug"), Operation("get", "elasticsearches", "x")));
        Assert.Null(KubernetesErrors.Translate(new EckRemoteClusterException("Already", EckErrorCategory.InvalidData, "m", "r"), Operation("get", "elasticsearches", "x")));
    }

    private static KubernetesErrors.Operation Operation(string verb, string resource, string? name) => new(verb, resource, "elastic", name, Session);

    private static EckRemoteClusterException Translate(HttpStatusCode status, string body, KubernetesErrors.Operation operation)
    {
        var http = new HttpOperationException("Operation returned an invalid status code")
        {
            Response = new HttpResponseMessageWrapper(new HttpResponseMessage(status), body),
        };
        return KubernetesErrors.Translate(http, operation) ?? throw new Xunit.Sdk.XunitException("not translated");
    }
}
