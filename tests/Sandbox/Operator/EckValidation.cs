using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>
/// The part of ECK's Elasticsearch validation (pkg/controller/elasticsearch/validation/validations.go) that matters
/// here, with its field paths and messages, used by both the validating webhook and the reconciler:
/// <list type="bullet">
/// <item>spec.version must parse as semver (version.Parse); every check that parses it reports the same error, and
/// apimachinery's ErrorList.ToAggregate prints a repeated message once;</item>
/// <item>supportedVersion: 7.x, 8.x from 7.17.0, 9.x from 8.18.0 (pkg/controller/elasticsearch/version/supported_versions.go);</item>
/// <item>supportsRemoteClusterUsingAPIKey: the remote cluster server needs more than MinFor(8, 10, 0), printed 8.10.0-1;</item>
/// <item>on update, noDowngrades: the new spec.version may not be lower than the stored one.</item>
/// </list>
/// </summary>
internal static partial class EckValidation
{
    private const string ParseVersionMessage = "Cannot parse Elasticsearch version. String format must be {major}.{minor}.{patch}[-{label}]";
    private const string ParseStoredVersionMessage = "Cannot parse current Elasticsearch version. String format must be {major}.{minor}.{patch}[-{label}]";

    public static IReadOnlyList<FieldError> Validate(JsonObject proposed, JsonObject? current)
    {
        var errors = new List<FieldError>();
        var versionText = (string?)proposed["spec"]?["version"] ?? "";
        var version = Parse(versionText);
        var parseError = FieldError.InvalidValue("spec.version", Quote(versionText), ParseVersionMessage);
        if (current is not null)
        {
            // updateValidations run first: noDowngrades.
            var currentText = (string?)current["spec"]?["version"] ?? "";
            var currentVersion = Parse(currentText);
            if (currentVersion is null)
            {
                errors.Add(FieldError.InvalidValue("spec.version", Quote(currentText), ParseStoredVersionMessage));
            }

            if (version is null)
            {
                errors.Add(parseError);
            }
            else if (currentVersion is not null && version < currentVersion)
            {
                errors.Add(FieldError.InvalidValue("spec.version", Quote(versionText), "Downgrades are not supported"));
            }
        }

        // hasCorrectNodeRoles, supportedVersion, supportsRemoteClusterUsingAPIKey each parse the version.
        if (version is null)
        {
            errors.Add(parseError);
            return errors;
        }

        var supported = version.Major switch
        {
            7 => true,
            8 => version >= new Version(7, 17, 0),
            9 => version >= new Version(8, 18, 0),
            _ => false,
        };
        if (!supported)
        {
            errors.Add(FieldError.InvalidValue("spec.version", Quote(versionText), "Unsupported version"));
        }

        var remoteClusterServer = (bool?)proposed["spec"]?["remoteClusterServer"]?["enabled"] ?? false;
        if (remoteClusterServer && version < new Version(8, 10, 0))
        {
            errors.Add(FieldError.InvalidValue("spec.remoteClusterServer", Quote(versionText),
                $"minimum required version for remote cluster server is {EckNames.RemoteClusterMinVersionText} but desired version is {versionText}"));
        }

        return errors;
    }

    /// <summary>apimachinery's NewInvalid: 422 Invalid, one cause per error, the message listing each distinct error once.</summary>
    public static KubernetesStatusException Invalid(string name, IReadOnlyList<FieldError> errors)
    {
        var invalid = StatusErrors.Invalid(ResourceCatalog.Elasticsearch, name, errors);
        var distinct = errors.Select(e => e.ToString()).Distinct().ToList();
        var summary = distinct.Count == 1 ? distinct[0] : $"[{string.Join(", ", distinct)}]";
        return new KubernetesStatusException(invalid.Code, invalid.Reason, $"Elasticsearch.{ResourceCatalog.ElasticsearchGroup} \"{name}\" is invalid: {summary}")
        {
            Details = invalid.Details,
        };
    }

    /// <summary>blang/semver's Parse: MAJOR.MINOR.PATCH with optional pre-release and build; the numbers compared, labels ignored.</summary>
    private static Version? Parse(string text)
    {
        var match = SemVer().Match(text);
        return match.Success
            ? new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture))
            : null;
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text, new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$")]
    private static partial Regex SemVer();
}

/// <summary>
/// ECK's validating webhook for Elasticsearch (pkg/controller/elasticsearch/validation/webhook.go), registered as
/// elastic-es-validation-v1.k8s.elastic.co for create and update of elasticsearches (failurePolicy ignore, sideEffects
/// None). How a refusal looks depends on the release: up to 3.3 the handler answers admission.Denied(err.Error()), which
/// controller-runtime (pkg/webhook/admission/response.go ValidationResponse) turns into 403 Forbidden with only that
/// message; from 3.4 it is a CustomValidator, whose APIStatus error is passed through whole (validator_custom.go
/// validationResponseFromStatus): 422 Invalid with the field causes. The API server then prefixes the message.
/// </summary>
public sealed class ElasticsearchValidatingWebhook(EckOperatorOptions options) : IValidatingWebhook
{
    public const string WebhookName = "elastic-es-validation-v1.k8s.elastic.co";

    public string Name => WebhookName;

    public ResourceType Resource => ResourceCatalog.Elasticsearch;

    public AdmissionResponse Review(AdmissionRequest request)
    {
        var errors = EckValidation.Validate(request.Object, request.Operation == "UPDATE" ? request.OldObject : null);
        if (errors.Count == 0)
        {
            return AdmissionResponse.Allow();
        }

        var invalid = EckValidation.Invalid(ObjectMeta.Name(request.Object) ?? "", errors);
        if (System.Version.Parse(options.EckVersion) >= new System.Version(3, 4))
        {
            var status = StatusErrors.ToStatus(invalid);
            return AdmissionResponse.Deny(status);
        }

        return AdmissionResponse.Deny(new JsonObject { ["code"] = 403, ["reason"] = "Forbidden", ["message"] = invalid.Message });
    }
}
