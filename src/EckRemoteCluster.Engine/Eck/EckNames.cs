namespace EckRemoteCluster.Engine.Eck;

/// <summary>The one place for the names, labels, ports and versions ECK and this module use on the Kubernetes side.</summary>
internal static class EckNames
{
    public const string Group = "elasticsearch.k8s.elastic.co";
    public const string Version = "v1";
    public const string ElasticsearchPlural = "elasticsearches";

    public const string ClusterNameLabel = "elasticsearch.k8s.elastic.co/cluster-name";
    public const string TypeLabel = "common.k8s.elastic.co/type";
    public const string TypeValue = "elasticsearch";

    /// <summary>Marks a Service this module created, so Unpublish never removes one it did not create.</summary>
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "EckRemoteCluster";

    public const int HttpPort = 9200;
    public const int RemoteClusterPort = 9443;
    public const string RemoteClusterPortName = "rcs";

    /// <summary>ECK refuses the remote cluster server below this Elasticsearch version.</summary>
    public static readonly Version MinimumRemoteClusterServerVersion = new(8, 10, 0);

    /// <summary>
    /// spec.remoteClusterServer.service exists from this ECK release on. Told from the served schema
    /// (<see cref="ServiceTemplateSupport"/>): ECK writes its version on no resource.
    /// </summary>
    public static readonly Version ServiceTemplateEckVersion = new(3, 3, 0);

    public static string ElasticUserSecret(string cluster) => $"{cluster}-es-elastic-user";

    public const string ElasticUser = "elastic";

    public static string HttpCertsPublicSecret(string cluster) => $"{cluster}-es-http-certs-public";

    public static string TransportCertsPublicSecret(string cluster) => $"{cluster}-es-transport-certs-public";

    public const string CaKey = "ca.crt";

    public static string HttpService(string cluster) => $"{cluster}-es-http";

    public static string RemoteClusterService(string cluster) => $"{cluster}-es-remote-cluster";

    /// <summary>The Service this module creates on ECK before 3.3 (the name kubectl expose in ECK's docs uses).</summary>
    public static string OwnRemoteClusterService(string cluster) => $"{cluster}-es-remote-cluster-lb";

    public const int TransportPort = 9300;
    public const string TransportPortName = "tls-transport";

    public static string TransportService(string cluster) => $"{cluster}-es-transport";

    /// <summary>The ConfigMap this module creates for spec.transport.tls.certificateAuthorities when the cluster names none.</summary>
    public static string OwnTransportCaConfigMap(string cluster) => $"{cluster}-remote-transport-ca";

    public static string ServiceDns(string service, string namespaceName) => $"{service}.{namespaceName}.svc";

    public static string ClusterSelector(string cluster) => $"{ClusterNameLabel}={cluster},{TypeLabel}={TypeValue}";
}
