namespace Sandbox.Operator;

/// <summary>Every name, label, annotation and port ECK uses for an Elasticsearch resource, in one place.</summary>
public static class EckNames
{
    public const string ElasticsearchKind = "Elasticsearch";
    public const string ElasticsearchApiVersion = "elasticsearch.k8s.elastic.co/v1";

    public const string ClusterNameLabel = "elasticsearch.k8s.elastic.co/cluster-name";
    public const string TypeLabel = "common.k8s.elastic.co/type";
    public const string TypeValue = "elasticsearch";
    public const string StatefulSetNameLabel = "elasticsearch.k8s.elastic.co/statefulset-name";
    public const string VersionLabel = "elasticsearch.k8s.elastic.co/version";
    public const string HttpSchemeLabel = "elasticsearch.k8s.elastic.co/http-scheme";
    public const string NodeRoleLabelPrefix = "elasticsearch.k8s.elastic.co/node-";
    public const string CredentialsLabel = "eck.k8s.elastic.co/credentials";
    public const string ControllerRevisionHashLabel = "controller-revision-hash";
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";
    public const string ConfigHashAnnotation = "elasticsearch.k8s.elastic.co/config-hash";

    public const int HttpPort = 9200;
    public const int TransportPort = 9300;
    public const int RemoteClusterPort = 9443;
    public const string TransportPortName = "tls-transport";
    public const string RemoteClusterPortName = "rcs";

    /// <summary>ECK rejects the remote cluster server below this version (its MinFor(8, 10, 0), printed as such).</summary>
    public const string RemoteClusterMinVersionText = "8.10.0-1";

    public static string ElasticUserSecret(string es) => $"{es}-es-elastic-user";
    public static string HttpCertsPublicSecret(string es) => $"{es}-es-http-certs-public";
    public static string HttpCertsInternalSecret(string es) => $"{es}-es-http-certs-internal";
    public static string HttpCaInternalSecret(string es) => $"{es}-es-http-ca-internal";
    public static string TransportCertsPublicSecret(string es) => $"{es}-es-transport-certs-public";
    public static string TransportCaInternalSecret(string es) => $"{es}-es-transport-ca-internal";
    public static string TransportCertsSecret(string statefulSet) => $"{statefulSet}-es-transport-certs";

    public static string HttpService(string es) => $"{es}-es-http";
    public static string InternalHttpService(string es) => $"{es}-es-internal-http";
    public static string TransportService(string es) => $"{es}-es-transport";
    public static string RemoteClusterService(string es) => $"{es}-es-remote-cluster";

    /// <summary>The StatefulSet (and its headless service) of a nodeSet.</summary>
    public static string StatefulSet(string es, string nodeSet) => $"{es}-es-{nodeSet}";

    public static string Pod(string statefulSet, int ordinal) => $"{statefulSet}-{ordinal}";

    public static string CaCommonName(string es, string caType) => $"{es}-{caType}";

    /// <summary>CN (and otherName) of a transport certificate: &lt;pod&gt;.node.&lt;es&gt;.&lt;ns&gt;.es.local.</summary>
    public static string TransportCommonName(string pod, string es, string ns) => $"{pod}.node.{es}.{ns}.es.local";

    /// <summary>CN of the HTTP certificate: &lt;es&gt;-es-http.&lt;ns&gt;.es.local.</summary>
    public static string HttpCommonName(string es, string ns) => $"{HttpService(es)}.{ns}.es.local";

    public static string ServiceDns(string service, string ns) => $"{service}.{ns}.svc";

    public static string PodDns(string pod, string statefulSet, string ns) => $"{pod}.{statefulSet}.{ns}.svc";

    public static Dictionary<string, string> ClusterLabels(string es) => new()
    {
        [ClusterNameLabel] = es,
        [TypeLabel] = TypeValue,
    };

    public static Dictionary<string, string> StatefulSetLabels(string es, string statefulSet) => new()
    {
        [ClusterNameLabel] = es,
        [TypeLabel] = TypeValue,
        [StatefulSetNameLabel] = statefulSet,
    };
}
