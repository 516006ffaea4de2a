using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Sends one REST request through an ElasticsearchConnection (its authentication, TLS trust and route, port-forward
/// included), for the calls no other cmdlet makes: the module's escape hatch, like Invoke-RestMethod for Elasticsearch.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ElasticsearchRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class InvokeElasticsearchRequestCommand : EckRemoteClusterCmdlet
{
    private static readonly string[] ReadOnlyMethods = ["GET", "HEAD"];

    /// <summary>The cluster, from New-ElasticsearchConnection.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public ElasticsearchConnection Connection { get; set; } = null!;

    /// <summary>The HTTP method.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateSet("GET", "HEAD", "POST", "PUT", "DELETE")]
    public string Method { get; set; } = "GET";

    /// <summary>The path and query, for example /_cluster/health or /logs-*/_search?size=1.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidatePattern("^/")]
    public string Path { get; set; } = "/";

    /// <summary>The JSON body: a hashtable or JSON text.</summary>
    [Parameter(Position = 2)]
    public object? Body { get; set; }

    protected override void ProcessRecordCore()
    {
        var body = JsonValues.ToObject(Body, nameof(Body));
        if (!ReadOnlyMethods.Contains(Method) && !ShouldProcess($"{Connection.ClusterName}{Path}", Method))
        {
            return;
        }

        var client = Connection.Client;
        var response = RunWithReporting((_, token) => client.SendAsync(Method, Path, body, token));
        WriteDebug($"{Method} {Path} -> {response.StatusCode}");
        if (!response.IsSuccess)
        {
            WriteError(ErrorRecords.Create(
                new InvalidOperationException($"Elasticsearch answered {response.StatusCode} ({response.ErrorType}): {response.ErrorReason}"),
                ErrorIds.ElasticsearchRequestFailed,
                response.StatusCode is 401 or 403 ? ErrorCategory.PermissionDenied : ErrorCategory.InvalidOperation,
                Path,
                "Read Elasticsearch's reason; the request and its body are as you gave them."));
            return;
        }

        WriteObject(JsonToPSObject.Convert(response.Body), enumerateCollection: false);
    }
}
