using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Eck;

/// <summary>
/// What differs between exposing the remote cluster server (API-key model) and the transport interface (certificate
/// model): the spec field ECK renders the Service from, the Service's name and port, and the names of the failures.
/// Planning, the template, the idempotence check and the wait for an address are one code path for both.
/// </summary>
internal sealed record PublishedInterface(
    EckInterface Interface,
    string Title,
    string SpecField,
    string PortName,
    int TargetPort,
    Func<string, string> ServiceName,
    Func<string, string>? OwnServiceName,
    string TemplateExistsErrorId,
    string AddressTimeoutErrorId,
    string AddressNotAcceptingErrorId,
    string PublishCmdlet)
{
    /// <summary>
    /// ECK renders &lt;name&gt;-es-remote-cluster from spec.remoteClusterServer.service only since 3.3; below that the
    /// module creates &lt;name&gt;-es-remote-cluster-lb of its own (OwnServiceName).
    /// </summary>
    public static readonly PublishedInterface RemoteClusterServer = new(
        EckInterface.RemoteClusterServer,
        "remote cluster server",
        "remoteClusterServer",
        EckNames.RemoteClusterPortName,
        EckNames.RemoteClusterPort,
        EckNames.RemoteClusterService,
        EckNames.OwnRemoteClusterService,
        ErrorIds.RemoteClusterServiceTemplateExists,
        ErrorIds.RemoteClusterAddressTimeout,
        ErrorIds.RemoteClusterAddressNotAccepting,
        "Publish-EckRemoteClusterServer");

    /// <summary>Every ECK release renders &lt;name&gt;-es-transport (headless by default) from spec.transport.service.</summary>
    public static readonly PublishedInterface Transport = new(
        EckInterface.Transport,
        "transport interface",
        "transport",
        EckNames.TransportPortName,
        EckNames.TransportPort,
        EckNames.TransportService,
        null,
        ErrorIds.TransportServiceTemplateExists,
        ErrorIds.TransportAddressTimeout,
        ErrorIds.TransportAddressNotAccepting,
        "Publish-EckTransport");

    public static PublishedInterface For(EckInterface exposed) => exposed switch
    {
        EckInterface.Transport => Transport,
        _ => RemoteClusterServer,
    };

    public string TemplatePath => $"spec.{SpecField}.service";
}
