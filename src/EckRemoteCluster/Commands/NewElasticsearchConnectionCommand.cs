using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Opens a verified connection to an Elasticsearch cluster: an ECK cluster (its elastic user and HTTP CA, through its
/// load balancer or a port-forward over the Kubernetes API) or any cluster by URI with a credential or API key.
/// </summary>
[Cmdlet(VerbsCommon.New, "ElasticsearchConnection", DefaultParameterSetName = CredentialSet)]
[OutputType(typeof(ElasticsearchConnection))]
public sealed class NewElasticsearchConnectionCommand : EckRemoteClusterCmdlet
{
    private const string EckSet = "EckCluster";
    private const string CredentialSet = "Credential";
    private const string ApiKeySet = "ApiKey";

    /// <summary>The ECK cluster, from Get-EckCluster.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EckSet, ValueFromPipeline = true)]
    public EckCluster EckCluster { get; set; } = null!;

    /// <summary>One or more node URIs of the cluster, e.g. https://es1:9200.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = CredentialSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ApiKeySet)]
    [ValidateNotNullOrEmpty]
    public Uri[] Uri { get; set; } = [];

    /// <summary>User name and password.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [Credential]
    public PSCredential Credential { get; set; } = null!;

    /// <summary>An API key in its encoded form (base64 of id:api_key).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ApiKeySet)]
    public SecureString ApiKey { get; set; } = null!;

    /// <summary>The CA of the cluster's HTTP certificate: a PEM file (e.g. config/certs/http_ca.crt), PEM text or X509Certificate2.</summary>
    [Parameter(ParameterSetName = CredentialSet)]
    [Parameter(ParameterSetName = ApiKeySet)]
    public object? CertificateAuthority { get; set; }

    /// <summary>The SHA-256 fingerprint of the HTTP CA (or certificate), as Elasticsearch prints it at first start.</summary>
    [Parameter(ParameterSetName = CredentialSet)]
    [Parameter(ParameterSetName = ApiKeySet)]
    [ValidatePattern("^([0-9A-Fa-f]{2}[: ]?){32}$")]
    public string? CertificateFingerprint { get; set; }

    /// <summary>Accepts any certificate. Only for tests: anyone in between can read the credentials.</summary>
    [Parameter(ParameterSetName = CredentialSet)]
    [Parameter(ParameterSetName = ApiKeySet)]
    public SwitchParameter SkipCertificateCheck { get; set; }

    protected override void ProcessRecordCore()
    {
        if (ParameterSetName == EckSet)
        {
            WriteObject(RunWithReporting((reporter, token) => Engine.Elasticsearch.ConnectToEckAsync(EckCluster, reporter, token)));
            return;
        }

        var certificateAuthorities = CertificateAuthority is null ? null : CertificateInputs.Resolve(this, CertificateAuthority);
        var trustOptions = (certificateAuthorities is { Length: > 0 } ? 1 : 0) + (CertificateFingerprint is null ? 0 : 1) + (SkipCertificateCheck ? 1 : 0);
        if (trustOptions > 1)
        {
            ThrowTerminating(new EckRemoteClusterException(
                ErrorIds.ConflictingTlsOptions,
                EckErrorCategory.InvalidArgument,
                "-CertificateAuthority, -CertificateFingerprint and -SkipCertificateCheck each decide how the server's certificate is checked; give one.",
                "Prefer -CertificateAuthority with the cluster's http_ca.crt."));
        }

        if (SkipCertificateCheck)
        {
            WriteWarning("-SkipCertificateCheck: the server's certificate is not checked, so anyone in between can read the credentials sent. Use -CertificateAuthority or -CertificateFingerprint outside tests.");
        }

        if (Uri.FirstOrDefault(u => !u.IsAbsoluteUri || (u.Scheme != "https" && u.Scheme != "http")) is { } bad)
        {
            ThrowTerminating(new EckRemoteClusterException(
                ErrorIds.InvalidElasticsearchUri,
                EckErrorCategory.InvalidArgument,
                $"'{bad}' is not an http(s) URI of an Elasticsearch node.",
                "Give the node's address with scheme and port, e.g. https://es1:9200.",
                bad));
        }

        if (Uri.FirstOrDefault(u => u.Scheme == "http") is { } plain)
        {
            ThrowTerminating(new EckRemoteClusterException(
                ErrorIds.PlainHttpElasticsearchUri,
                EckErrorCategory.InvalidArgument,
                $"'{plain}' is plain HTTP: the credentials (password or API key) would cross the network unencrypted, and a node that serves HTTPS on that port answers plain HTTP by closing the connection.",
                $"Use https://{plain.Authority} (Elasticsearch 8 and later serve HTTPS by default, with config/certs/http_ca.crt for -CertificateAuthority). A node that serves plain HTTP needs xpack.security.http.ssl enabled first.",
                plain));
        }

        var request = new DirectConnectionRequest(
            Uri,
            ParameterSetName == CredentialSet ? Credential.UserName : null,
            ParameterSetName == CredentialSet ? Credential.Password : null,
            ParameterSetName == ApiKeySet ? ApiKey : null,
            certificateAuthorities is { Length: > 0 } ? new X509Certificate2Collection(certificateAuthorities) : null,
            CertificateFingerprint,
            SkipCertificateCheck);
        WriteObject(RunWithReporting((reporter, token) => Engine.Elasticsearch.ConnectAsync(request, reporter, token)));
    }
}
