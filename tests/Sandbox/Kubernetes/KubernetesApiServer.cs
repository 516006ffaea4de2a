using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sandbox.Control;

namespace Sandbox.Kubernetes;

/// <summary>
/// The Kubernetes API over HTTPS (HTTP/1.1 and HTTP/2) on a free loopback port, in front of a <see cref="ResourceStore"/>.
/// Every request passes the control plane's request log and fault injection (target "kubernetes").
/// </summary>
public sealed class KubernetesApiServer : IAsyncDisposable
{
    public const string FaultTarget = "kubernetes";

    private readonly ControlPlane control;
    private readonly Func<string, string, int, IPEndPoint?> resolvePodPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly RootCaPublisher rootCaPublisher;
    private WebApplication? app;

    /// <param name="eckVersion">The ECK release whose Elasticsearch CRD is installed (<see cref="ElasticsearchCrds"/>).</param>
    public KubernetesApiServer(
        ControlPlane control, Func<string, string, int, IPEndPoint?> resolvePodPort, int? seed, TimeSpan? bookmarkInterval = null,
        string eckVersion = ElasticsearchCrds.DefaultEckVersion)
    {
        this.control = control;
        this.resolvePodPort = resolvePodPort;
        BookmarkInterval = bookmarkInterval ?? TimeSpan.FromSeconds(1);
        Certificates = new ApiServerCertificates();
        Authenticator = new Authenticator(NewToken(), NewToken());
        var schema = ElasticsearchCrds.For(eckVersion);
        ElasticsearchSchema = schema;
        OpenApi = new OpenApiV3(schema);
        Store = new ResourceStore(new CrdAdmission(new Dictionary<ResourceType, CrdSchema> { [ResourceCatalog.Elasticsearch] = schema }), new IdentityGenerator(seed));
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease", "elastic" })
        {
            Store.Create(ResourceCatalog.Namespace, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, WriteOptions.Controller);
        }

        rootCaPublisher = new RootCaPublisher(Store, Certificates.CaPem);
        rootCaPublisher.Start();
    }

    public ResourceStore Store { get; }

    public Authenticator Authenticator { get; }

    public ApiServerCertificates Certificates { get; }

    public CrdSchema ElasticsearchSchema { get; }

    /// <summary>/openapi/v3 and its documents, built from the installed CRD.</summary>
    public OpenApiV3 OpenApi { get; }

    /// <summary>Uninstalls or reinstalls the Elasticsearch CRD as the API's clients see it (control route /kubernetes/crds/elasticsearch).</summary>
    public CrdInstallation Crds { get; } = new();

    public TimeSpan BookmarkInterval { get; }

    /// <summary>A pod's console lines by namespace and name (pods/log); set before <see cref="StartAsync"/>.</summary>
    public Func<string, string, IReadOnlyList<string>?>? PodLog { get; set; }

    public Uri? Uri { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(Certificates.ServingCertificate);
        }));
        app = builder.Build();
        app.UseWebSockets();
        // The user comes from the token, so requests answered by an injected fault are attributed too.
        app.Use(control.Recorder.Middleware([FaultTarget], c => Authenticator.Authenticate(c.Request.Headers.Authorization), WriteFaultAsync, Classify));

        var clock = TimeProvider.System;
        var printer = new TablePrinter(clock, ElasticsearchSchema.PrinterColumns("v1"));
        var handler = new KubernetesApiHandler(
            Store, Authenticator, printer, new WatchStreamer(Store, printer, BookmarkInterval, stopping.Token),
            new PortForwardEndpoint(Store, resolvePodPort), clock, Crds, OpenApi, PodLog);
        app.Run(handler.HandleAsync);

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Uri = new Uri(address);
    }

    public async ValueTask DisposeAsync()
    {
        rootCaPublisher.Dispose();
        await stopping.CancelAsync();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Certificates.Dispose();
        stopping.Dispose();
    }

    /// <summary>
    /// A write with <c>?dryRun=All</c> runs admission and validation and answers the object it would store, but stores
    /// nothing (staging/src/k8s.io/apiserver pkg/endpoints/handlers/patch.go), so it is logged as not mutating.
    /// pods/portforward is a <c>create</c> on a subresource to kube-apiserver's authorizer (its POST, and the GET a WebSocket
    /// upgrade needs, both need RBAC create on pods/portforward), yet it only opens a tunnel: no object is written, nothing
    /// in the cluster changes. The request log's "mutating" answers "did this change state?" (what -WhatIf must never do), so a
    /// port-forward is logged as not mutating, with a note saying why. Whatever flows through the tunnel reaches Elasticsearch
    /// and is logged there, with its own verdict.
    /// </summary>
    private static RequestClassification? Classify(HttpRequest request) =>
        request.Path.Value is { } path && path.StartsWith("/api/v1/namespaces/", StringComparison.Ordinal)
            && path.EndsWith("/portforward", StringComparison.Ordinal) && path.Contains("/pods/", StringComparison.Ordinal)
            ? new RequestClassification(false, "pods/portforward: authorized as create on the subresource, but a tunnel changes no state")
            : request.Query["dryRun"].ToString() == "All" && request.Method is "POST" or "PUT" or "PATCH" or "DELETE"
                ? new RequestClassification(false, "dryRun=All: admitted and validated like the write, but nothing is stored (ECK's webhook declares sideEffects None)")
                : null;

    /// <summary>Injected faults answer the Status kube-apiserver sends for that code.</summary>
    private static Task WriteFaultAsync(HttpContext context, int status)
    {
        var error = status switch
        {
            409 => new KubernetesStatusException(409, "Conflict", "Operation cannot be fulfilled on the requested resource: the object has been modified; please apply your changes to the latest version and try again"),
            429 => new KubernetesStatusException(429, "TooManyRequests", "Too many requests, please try again later.") { Details = new JsonObject { ["retryAfterSeconds"] = 1 } },
            503 => new KubernetesStatusException(503, "ServiceUnavailable", "the server is currently unable to handle the request"),
            _ => new KubernetesStatusException(500, "InternalError", "Internal error occurred: injected fault") { Details = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = "injected fault" }) } },
        };
        if (status == 429)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return JsonResponses.WriteErrorAsync(context, error);
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
