using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
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

    public async Task StartAsync(int port, X509Certificate2 certificate, X509Certificate2Collection chain, CancellationToken cancellationToken)
    {
        // A restarted node binds its previous port again; the old socket may take a moment to be released.
        for (var attempt = 0; _app is null; attempt++)
        {
            try
            {
                _app = await StartOnAsync(attempt < 30 ? port : 0, certificate, chain, cancellationToken);
            }
            catch (IOException) when (port != 0 && attempt < 30)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        var address = _app.Services.GetRequiredServiceFeature().Addresses.First();
        EndpointOrNull = new IPEndPoint(IPAddress.Loopback, new Uri(address).Port);
    }

    private async Task<WebApplication> StartOnAsync(int port, X509Certificate2 certificate, X509Certificate2Collection chain, CancellationToken cancellationToken)
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
            var context = FullChainContext(certificate, chain);
            k.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = context }),
            }));
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

    /// <summary>
    /// A certificate context that sends the chain as configured, self-signed CA included: JSSE sends a key entry's whole
    /// chain, and auto-configured nodes' http.p12 entry is {node certificate, HTTP CA} (AutoConfigureNode), which is what
    /// clients pinning the CA's SHA-256 fingerprint match. .NET on Linux trims the root from the chain it builds
    /// (SslStreamCertificateContext.TrimRootCertificate) and offers no switch, so the root is put back into the context's
    /// list of extra certificates before any handshake used it; should the runtime's fields move, the root is simply not sent.
    /// </summary>
    private static SslStreamCertificateContext FullChainContext(X509Certificate2 certificate, X509Certificate2Collection chain)
    {
        var context = SslStreamCertificateContext.Create(certificate, chain, offline: true);
        var sent = context.IntermediateCertificates.Select(c => c.Thumbprint).ToHashSet();
        var missing = chain.Where(c => !sent.Contains(c.Thumbprint) && c.Thumbprint != certificate.Thumbprint).ToList();
        if (missing.Count == 0)
        {
            return context;
        }

        var all = context.IntermediateCertificates.Concat(missing.Select(c => X509CertificateLoader.LoadCertificate(c.RawData))).ToArray();
        const System.Reflection.BindingFlags instance = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic;
        var type = typeof(SslStreamCertificateContext);
        type.GetField("_privateIntermediateCertificates", instance)?.SetValue(context, all.Select(c => X509CertificateLoader.LoadCertificate(c.RawData)).ToArray());
        if (type.GetField("<IntermediateCertificates>k__BackingField", instance) is { } backing
            && backing.FieldType.IsAssignableFrom(typeof(System.Collections.ObjectModel.ReadOnlyCollection<X509Certificate2>)))
        {
            backing.SetValue(context, new System.Collections.ObjectModel.ReadOnlyCollection<X509Certificate2>(all));
        }

        return context;
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
