using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sandbox.Elasticsearch.Rest;

namespace Sandbox.Elasticsearch;

/// <summary>A node's HTTPS REST listener (Kestrel on 127.0.0.1), serving <see cref="RestApi"/>.</summary>
public sealed class NodeHttpServer(EsNode node, NodeHttpServer.PipelineHook? pipeline)
{
    /// <summary>Lets the control plane put its request log and fault injection in front of the REST API of a node.</summary>
    public delegate void PipelineHook(IApplicationBuilder app, EsNode node);

    private WebApplication? _app;

    public IPEndPoint Endpoint => EndpointOrNull ?? throw new InvalidOperationException("HTTP listener not started.");

    public IPEndPoint? EndpointOrNull { get; private set; }

    public async Task StartAsync(int port, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        // A restarted node binds its previous port again; the old socket may take a moment to be released.
        for (var attempt = 0; _app is null; attempt++)
        {
            try
            {
                _app = await StartOnAsync(attempt < 30 ? port : 0, certificate, cancellationToken);
            }
            catch (IOException) when (port != 0 && attempt < 30)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        var address = _app.Services.GetRequiredServiceFeature().Addresses.First();
        EndpointOrNull = new IPEndPoint(IPAddress.Loopback, new Uri(address).Port);
    }

    private async Task<WebApplication> StartOnAsync(int port, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Sandbox.Elasticsearch",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        pipeline?.Invoke(app, node);
        app.Run(context => RestApi.HandleAsync(context, node));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            // A stopping node drops its HTTP connections (keep-alive clients would otherwise hold the stop for seconds).
            using (var stopNow = new CancellationTokenSource(TimeSpan.FromMilliseconds(50)))
            {
                await _app.StopAsync(stopNow.Token);
            }

            await _app.DisposeAsync();
            _app = null;
        }
    }
}

internal static class ServerFeatureExtensions
{
    public static IServerAddressesFeature GetRequiredServiceFeature(this IServiceProvider services) =>
        ((Microsoft.AspNetCore.Hosting.Server.IServer)services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer))!)
        .Features.Get<IServerAddressesFeature>()!;
}
