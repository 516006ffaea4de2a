using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>
/// OpenAPI v3 discovery as kube-apiserver serves it (kube-openapi pkg/handler3): <c>/openapi/v3</c> lists each
/// group-version with a <c>serverRelativeURL</c> that carries the document's hash (upper-case hex SHA-512 of its JSON);
/// a group-version document asked for with a stale hash answers 301 to the current one, with the right hash it is
/// served as immutable. kubectl reads these for explain (<c>kubectl explain elasticsearch.spec.remoteClusterServer</c>),
/// and to learn that the server validates fields itself (the <c>fieldValidation</c> parameter of the PATCH operation).
/// <para>
/// <c>apis/elasticsearch.k8s.elastic.co/{v1,v1beta1}</c> are built from the installed CRD as apiextensions-apiserver's
/// pkg/controller/openapi/builder does: component <c>co.elastic.k8s.elasticsearch.&lt;version&gt;.Elasticsearch</c> is the
/// CRD version's openAPIV3Schema with apiVersion/kind from TypeMeta, metadata as an allOf reference to ObjectMeta (refs
/// with siblings are wrapped, kube-openapi builder3 WrapRefs) and the x-kubernetes-group-version-kind extension; the list
/// kind beside it; the meta/v1 components they reference; the resource's routes. So what the schema says depends on the
/// emulated ECK release (see <see cref="ElasticsearchCrds"/>). <c>api/v1</c> carries operations only, no components:
/// kubectl then computes apply patches of built-in kinds from its compiled-in types.
/// </para>
/// </summary>
public sealed class OpenApiV3
{
    public const string Root = "/openapi/v3";

    private readonly Dictionary<string, ServedDocument> documents = new(StringComparer.Ordinal);

    public OpenApiV3(CrdSchema elasticsearch)
    {
        Add("api/v1", CoreDocument());
        foreach (var version in new[] { "v1", "v1beta1" })
        {
            Add($"apis/{ResourceCatalog.ElasticsearchGroup}/{version}", CustomResourceDocument(elasticsearch, version));
        }
    }

    /// <summary>The discovery document: every group-version and the hashed URL of its document.</summary>
    public JsonObject DiscoveryDocument()
    {
        var paths = new JsonObject();
        foreach (var document in documents.Values)
        {
            paths[document.GroupVersion] = new JsonObject { ["serverRelativeURL"] = document.ServerRelativeUrl };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document served at <paramref name="path"/> (/openapi/v3/apis/…), or null.</summary>
    public ServedDocument? Find(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed.StartsWith(Root + "/", StringComparison.Ordinal) && documents.TryGetValue(trimmed[(Root.Length + 1)..], out var document)
            ? document
            : null;
    }

    private void Add(string groupVersion, JsonObject document)
    {
        var json = Encoding.UTF8.GetBytes(document.ToJsonString());
        documents[groupVersion] = new ServedDocument(groupVersion, json, Convert.ToHexString(SHA512.HashData(json)));
    }

    private static JsonObject CoreDocument()
    {
        var paths = new JsonObject();
        foreach (var type in ResourceCatalog.InGroup("", "v1"))
        {
            var itemPath = type.Namespaced ? $"/api/v1/namespaces/{{namespace}}/{type.Plural}/{{name}}" : $"/api/v1/{type.Plural}/{{name}}";
            paths[itemPath] = new JsonObject
            {
                ["patch"] = Operation($"patchCoreV1{(type.Namespaced ? "Namespaced" : "")}{type.Kind}", "patch", "", "v1", type.Kind, "core_v1",
                    WriteParameters(force: true), null),
            };
        }

        return Document(paths, new JsonObject());
    }

    private static JsonObject CustomResourceDocument(CrdSchema crd, string version)
    {
        var group = ResourceCatalog.ElasticsearchGroup;
        var type = ResourceCatalog.Elasticsearch;
        var kind = type.Kind;
        var schemaName = $"{RestFriendlyGroup(group)}.{version}.{kind}";
        var listName = $"{schemaName}List";
        var idPrefix = OperationIdPart(group) + OperationIdPart(version);
        var tag = $"{OperationIdPart(group, capitalizeFirst: false)}_{version}";
        var all = $"/apis/{group}/{version}/{type.Plural}";
        var collection = $"/apis/{group}/{version}/namespaces/{{namespace}}/{type.Plural}";
        var item = $"{collection}/{{name}}";

        JsonObject Op(string verb, string action, string suffix, JsonArray parameters, string response) =>
            Operation($"{verb}{idPrefix}{suffix}", action, group, version, kind, tag, parameters, response);

        var paths = new JsonObject
        {
            [all] = new JsonObject { ["get"] = Op("list", "list", $"{kind}ForAllNamespaces", ListParameters(), listName) },
            [collection] = new JsonObject
            {
                ["get"] = Op("list", "list", $"Namespaced{kind}", ListParameters(), listName),
                ["post"] = Op("create", "post", $"Namespaced{kind}", WriteParameters(force: false), schemaName),
                ["delete"] = Op("delete", "deletecollection", $"CollectionNamespaced{kind}", ListParameters(), MetaV1("Status")),
                ["parameters"] = new JsonArray(PathParameter("namespace")),
            },
            [item] = new JsonObject
            {
                ["get"] = Op("read", "get", $"Namespaced{kind}", new JsonArray(QueryParameter("resourceVersion")), schemaName),
                ["put"] = Op("replace", "put", $"Namespaced{kind}", WriteParameters(force: false), schemaName),
                ["patch"] = Op("patch", "patch", $"Namespaced{kind}", WriteParameters(force: true), schemaName),
                ["delete"] = Op("delete", "delete", $"Namespaced{kind}",
                    new JsonArray(QueryParameter("dryRun"), QueryParameter("gracePeriodSeconds"), QueryParameter("propagationPolicy")), MetaV1("Status")),
                ["parameters"] = new JsonArray(PathParameter("name"), PathParameter("namespace")),
            },
            [$"{item}/status"] = new JsonObject
            {
                ["get"] = Op("read", "get", $"Namespaced{kind}Status", new JsonArray(QueryParameter("resourceVersion")), schemaName),
                ["put"] = Op("replace", "put", $"Namespaced{kind}Status", WriteParameters(force: false), schemaName),
                ["patch"] = Op("patch", "patch", $"Namespaced{kind}Status", WriteParameters(force: true), schemaName),
                ["parameters"] = new JsonArray(PathParameter("name"), PathParameter("namespace")),
            },
        };

        var gvk = new JsonObject { ["group"] = group, ["kind"] = kind, ["version"] = version };
        var resource = (JsonObject)crd.VersionSchema(version).DeepClone();
        var properties = resource["properties"] as JsonObject ?? [];
        resource["properties"] = properties;
        properties["apiVersion"] = TypeMetaField("apiVersion");
        properties["kind"] = TypeMetaField("kind");
        properties["metadata"] = Reference(MetaV1("ObjectMeta"), "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
        resource["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());

        var list = new JsonObject
        {
            ["description"] = $"{kind}List is a list of {kind}",
            ["type"] = "object",
            ["required"] = new JsonArray("items"),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = TypeMetaField("apiVersion"),
                ["items"] = new JsonObject
                {
                    ["description"] = $"List of {type.Plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md",
                    ["type"] = "array",
                    ["items"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" },
                },
                ["kind"] = TypeMetaField("kind"),
                ["metadata"] = Reference(MetaV1("ListMeta"), "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
            },
            ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = group, ["kind"] = $"{kind}List", ["version"] = version }),
        };

        var schemas = MetaV1Schemas();
        schemas[schemaName] = resource;
        schemas[listName] = list;
        return Document(paths, schemas);
    }

    private static JsonObject Document(JsonObject paths, JsonObject schemas) => new()
    {
        ["openapi"] = "3.0.0",
        ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = Sandbox.Kubernetes.Discovery.KubernetesVersion },
        ["paths"] = paths,
        ["components"] = new JsonObject
        {
            ["schemas"] = schemas,
            ["securitySchemes"] = new JsonObject
            {
                ["BearerToken"] = new JsonObject { ["type"] = "apiKey", ["name"] = "authorization", ["in"] = "header", ["description"] = "Bearer Token authentication" },
            },
        },
    };

    private static JsonObject Operation(string operationId, string action, string group, string version, string kind, string tag, JsonArray parameters, string? response)
    {
        var ok = new JsonObject { ["description"] = "OK" };
        if (response is not null)
        {
            ok["content"] = new JsonObject
            {
                ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{response}" } },
                ["application/yaml"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{response}" } },
            };
        }

        return new JsonObject
        {
            ["tags"] = new JsonArray(tag),
            ["operationId"] = operationId,
            ["parameters"] = parameters,
            ["responses"] = new JsonObject { ["200"] = ok, ["401"] = new JsonObject { ["description"] = "Unauthorized" } },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = kind },
        };
    }

    private static JsonArray WriteParameters(bool force)
    {
        var parameters = new JsonArray(QueryParameter("dryRun"), QueryParameter("fieldManager"), QueryParameter("fieldValidation"));
        if (force)
        {
            parameters.Add(QueryParameter("force", "boolean"));
        }

        return parameters;
    }

    private static JsonArray ListParameters() => new(
        QueryParameter("allowWatchBookmarks", "boolean"),
        QueryParameter("continue"),
        QueryParameter("fieldSelector"),
        QueryParameter("labelSelector"),
        QueryParameter("limit", "integer"),
        QueryParameter("resourceVersion"),
        QueryParameter("resourceVersionMatch"),
        QueryParameter("sendInitialEvents", "boolean"),
        QueryParameter("timeoutSeconds", "integer"),
        QueryParameter("watch", "boolean"));

    private static JsonObject QueryParameter(string name, string type = "string") => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true },
    };

    private static JsonObject PathParameter(string name) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static JsonObject TypeMetaField(string name) => new()
    {
        ["description"] = name == "kind"
            ? "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"
            : "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
        ["type"] = "string",
    };

    /// <summary>A $ref with siblings, wrapped in allOf as kube-openapi's builder3 writes it.</summary>
    private static JsonObject Reference(string schemaName, string description) => new()
    {
        ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" }),
        ["default"] = new JsonObject(),
        ["description"] = description,
    };

    private static string MetaV1(string kind) => $"io.k8s.apimachinery.pkg.apis.meta.v1.{kind}";

    /// <summary>The meta/v1 components the Elasticsearch documents reference (fields and types; descriptions kept short).</summary>
    private static JsonObject MetaV1Schemas()
    {
        static JsonObject Text(string description) => new() { ["description"] = description, ["type"] = "string" };
        static JsonObject Integer(string description) => new() { ["description"] = description, ["type"] = "integer", ["format"] = "int64" };
        static JsonObject StringMap(string description) => new()
        {
            ["description"] = description,
            ["type"] = "object",
            ["additionalProperties"] = new JsonObject { ["type"] = "string", ["default"] = "" },
        };
        static JsonObject ArrayOf(JsonObject items, string description, string listType = "atomic") => new()
        {
            ["description"] = description,
            ["type"] = "array",
            ["items"] = items,
            ["x-kubernetes-list-type"] = listType,
        };
        static JsonObject Ref(string kind) => new() { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{MetaV1(kind)}" }) };
        static JsonObject TimeRef(string description)
        {
            var reference = Ref("Time");
            reference["description"] = description;
            return reference;
        }

        return new JsonObject
        {
            [MetaV1("ObjectMeta")] = new JsonObject
            {
                ["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["annotations"] = StringMap("Annotations is an unstructured key value map stored with a resource."),
                    ["creationTimestamp"] = TimeRef("CreationTimestamp is a timestamp representing the server time when this object was created."),
                    ["deletionGracePeriodSeconds"] = Integer("Number of seconds allowed for this object to gracefully terminate before it will be removed from the system."),
                    ["deletionTimestamp"] = TimeRef("DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."),
                    ["finalizers"] = ArrayOf(new JsonObject { ["type"] = "string", ["default"] = "" }, "Must be empty before the object is deleted from the registry.", "set"),
                    ["generateName"] = Text("GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
                    ["generation"] = Integer("A sequence number representing a specific generation of the desired state."),
                    ["labels"] = StringMap("Map of string keys and values that can be used to organize and categorize (scope and select) objects."),
                    ["managedFields"] = ArrayOf(new JsonObject { ["allOf"] = Ref("ManagedFieldsEntry")["allOf"]!.DeepClone(), ["default"] = new JsonObject() },
                        "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow."),
                    ["name"] = Text("Name must be unique within a namespace."),
                    ["namespace"] = Text("Namespace defines the space within which each name must be unique."),
                    ["ownerReferences"] = new JsonObject
                    {
                        ["description"] = "List of objects depended by this object.",
                        ["type"] = "array",
                        ["items"] = new JsonObject { ["allOf"] = Ref("OwnerReference")["allOf"]!.DeepClone(), ["default"] = new JsonObject() },
                        ["x-kubernetes-list-map-keys"] = new JsonArray("uid"),
                        ["x-kubernetes-list-type"] = "map",
                        ["x-kubernetes-patch-merge-key"] = "uid",
                        ["x-kubernetes-patch-strategy"] = "merge",
                    },
                    ["resourceVersion"] = Text("An opaque value that represents the internal version of this object."),
                    ["selfLink"] = Text("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
                    ["uid"] = Text("UID is the unique in time and space value for this object."),
                },
            },
            [MetaV1("ListMeta")] = new JsonObject
            {
                ["description"] = "ListMeta describes metadata that synthetic resources must have, including lists and various status objects.",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["continue"] = Text("continue may be set if the user set a limit on the number of items returned."),
                    ["remainingItemCount"] = Integer("remainingItemCount is the number of subsequent items in the list which are not included in this list response."),
                    ["resourceVersion"] = Text("String that identifies the server's internal version of this object."),
                    ["selfLink"] = Text("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
                },
            },
            [MetaV1("ManagedFieldsEntry")] = new JsonObject
            {
                ["description"] = "ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = Text("APIVersion defines the version of this resource that this field set applies to."),
                    ["fieldsType"] = Text("FieldsType is the discriminator for the different fields format and version."),
                    ["fieldsV1"] = Ref("FieldsV1"),
                    ["manager"] = Text("Manager is an identifier of the workflow managing these fields."),
                    ["operation"] = Text("Operation is the type of operation which lead to this ManagedFieldsEntry being created."),
                    ["subresource"] = Text("Subresource is the name of the subresource used to update that object."),
                    ["time"] = TimeRef("Time is the timestamp of when the ManagedFields entry was added."),
                },
            },
            [MetaV1("OwnerReference")] = new JsonObject
            {
                ["description"] = "OwnerReference contains enough information to let you identify an owning object.",
                ["type"] = "object",
                ["required"] = new JsonArray("apiVersion", "kind", "name", "uid"),
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = Text("API version of the referent."),
                    ["blockOwnerDeletion"] = new JsonObject { ["description"] = "If true, the owner cannot be deleted from the key-value store until this reference is removed.", ["type"] = "boolean" },
                    ["controller"] = new JsonObject { ["description"] = "If true, this reference points to the managing controller.", ["type"] = "boolean" },
                    ["kind"] = Text("Kind of the referent."),
                    ["name"] = Text("Name of the referent."),
                    ["uid"] = Text("UID of the referent."),
                },
                ["x-kubernetes-map-type"] = "atomic",
            },
            [MetaV1("FieldsV1")] = new JsonObject { ["description"] = "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.", ["type"] = "object" },
            [MetaV1("Time")] = new JsonObject { ["description"] = "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.", ["type"] = "string", ["format"] = "date-time" },
            [MetaV1("Status")] = new JsonObject
            {
                ["description"] = "Status is a return value for calls that don't return other objects.",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = TypeMetaField("apiVersion"),
                    ["code"] = new JsonObject { ["description"] = "Suggested HTTP return code for this status, 0 if not set.", ["type"] = "integer", ["format"] = "int32" },
                    ["details"] = new JsonObject { ["allOf"] = Ref("StatusDetails")["allOf"]!.DeepClone(), ["description"] = "Extended data associated with the reason." },
                    ["kind"] = TypeMetaField("kind"),
                    ["message"] = Text("A human-readable description of the status of this operation."),
                    ["metadata"] = Reference(MetaV1("ListMeta"), "Standard list metadata."),
                    ["reason"] = Text("A machine-readable description of why this operation is in the \"Failure\" status."),
                    ["status"] = Text("Status of the operation. One of: \"Success\" or \"Failure\"."),
                },
            },
            [MetaV1("StatusDetails")] = new JsonObject
            {
                ["description"] = "StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response.",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["causes"] = ArrayOf(new JsonObject { ["allOf"] = Ref("StatusCause")["allOf"]!.DeepClone(), ["default"] = new JsonObject() }, "The Causes array includes more details associated with the StatusReason failure."),
                    ["group"] = Text("The group attribute of the resource associated with the status StatusReason."),
                    ["kind"] = Text("The kind attribute of the resource associated with the status StatusReason."),
                    ["name"] = Text("The name attribute of the resource associated with the status StatusReason."),
                    ["retryAfterSeconds"] = new JsonObject { ["description"] = "If specified, the time in seconds before the operation should be retried.", ["type"] = "integer", ["format"] = "int32" },
                    ["uid"] = Text("UID of the resource."),
                },
            },
            [MetaV1("StatusCause")] = new JsonObject
            {
                ["description"] = "StatusCause provides more information about an api.Status failure, including cases when multiple errors are encountered.",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["field"] = Text("The field of the resource that has caused this error, as named by its JSON serialization."),
                    ["message"] = Text("A human-readable description of the cause of the error."),
                    ["reason"] = Text("A machine-readable description of the cause of the error."),
                },
            },
        };
    }

    /// <summary>util.ToRESTFriendlyName: the group's labels reversed (elasticsearch.k8s.elastic.co becomes co.elastic.k8s.elasticsearch).</summary>
    private static string RestFriendlyGroup(string group) => string.Join('.', group.Split('.').Reverse());

    /// <summary>kube-openapi's ToValidOperationID: drops separators and capitalizes what follows them.</summary>
    private static string OperationIdPart(string text, bool capitalizeFirst = true)
    {
        var builder = new StringBuilder();
        var capitalize = capitalizeFirst;
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                capitalize = true;
                continue;
            }

            builder.Append(capitalize ? char.ToUpperInvariant(c) : c);
            capitalize = false;
        }

        return builder.ToString();
    }
}

/// <summary>One group-version document, as served bytes and the hash its URL carries.</summary>
public sealed record ServedDocument(string GroupVersion, byte[] Json, string Hash)
{
    public string ServerRelativeUrl => $"{OpenApiV3.Root}/{GroupVersion}?hash={Hash}";
}
