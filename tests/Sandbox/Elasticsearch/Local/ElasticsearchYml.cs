using System.Globalization;
using Sandbox.Elasticsearch.State;
using YamlDotNet.RepresentationModel;

namespace Sandbox.Elasticsearch.Local;

/// <summary>
/// elasticsearch.yml: the file a package install ships (its section comments), with the block security
/// auto-configuration appends; and the reader a node uses at start (flat keys, nested mappings, flow sequences).
/// </summary>
public static class ElasticsearchYml
{
    public const string FileName = "elasticsearch.yml";

    public sealed record NodeLayout(
        string ClusterName, string NodeName, string DataPath, string LogsPath, int HttpPort, int TransportPort,
        string? InitialMasterNode, string? SeedHost, DateTimeOffset ConfiguredAt);

    public static string Render(NodeLayout node)
    {
        var bootstrap = node.InitialMasterNode is not null
            ? $"""
              # Create a new cluster with the current node only
              # Additional nodes can still join the cluster later
              cluster.initial_master_nodes: ["{node.InitialMasterNode}"]
              """
            : $"""
              # Discover existing nodes in the cluster
              discovery.seed_hosts: ["{node.SeedHost}"]
              """;
        var stamp = node.ConfiguredAt.ToString("dd-MM-yyyy HH:mm:ss", CultureInfo.InvariantCulture);
        return $"""
            # ======================== Elasticsearch Configuration =========================
            #
            # NOTE: Elasticsearch comes with reasonable defaults for most settings.
            #       Before you set out to tweak and tune the configuration, make sure you
            #       understand what are you trying to accomplish and the consequences.
            #
            # The primary way of configuring a node is via this file. This template lists
            # the most important settings you may want to configure for a production cluster.
            #
            # Please consult the documentation for further information on configuration options:
            # https://www.elastic.co/guide/en/elasticsearch/reference/index.html
            #
            # ---------------------------------- Cluster -----------------------------------
            #
            # Use a descriptive name for your cluster:
            #
            cluster.name: {node.ClusterName}
            #
            # ------------------------------------ Node ------------------------------------
            #
            # Use a descriptive name for the node:
            #
            node.name: {node.NodeName}
            #
            # Add custom attributes to the node:
            #
            #node.attr.rack: r1
            #
            # ----------------------------------- Paths ------------------------------------
            #
            # Path to directory where to store the data (separate multiple locations by comma):
            #
            path.data: {node.DataPath}
            #
            # Path to log files:
            #
            path.logs: {node.LogsPath}
            #
            # ----------------------------------- Memory -----------------------------------
            #
            # Lock the memory on startup:
            #
            #bootstrap.memory_lock: true
            #
            # Make sure that the heap size is set to about half the memory available
            # on the system and that the owner of the process is allowed to use this
            # limit.
            #
            # Elasticsearch performs poorly when the system is swapping the memory.
            #
            # ---------------------------------- Network -----------------------------------
            #
            # By default Elasticsearch is only accessible on localhost. Set a different
            # address here to expose this node on the network:
            #
            #network.host: 192.168.0.1
            #
            # By default Elasticsearch listens for HTTP traffic on the first free port it
            # finds starting at 9200. Set a specific HTTP port here:
            #
            http.port: {node.HttpPort}
            transport.port: {node.TransportPort}
            #
            # For more information, consult the network module documentation.
            #
            # --------------------------------- Discovery ----------------------------------
            #
            # Pass an initial list of hosts to perform discovery when this node is started:
            # The default list of hosts is ["127.0.0.1", "[::1]"]
            #
            #discovery.seed_hosts: ["host1", "host2"]
            #
            # Bootstrap the cluster using an initial set of master-eligible nodes:
            #
            #cluster.initial_master_nodes: ["node-1", "node-2"]
            #
            # For more information, consult the discovery and cluster formation module documentation.
            #
            # ---------------------------------- Various -----------------------------------
            #
            # Allow wildcard deletion of indices:
            #
            #action.destructive_requires_name: false

            #----------------------- BEGIN SECURITY AUTO CONFIGURATION -----------------------
            #
            # The following settings, TLS certificates, and keys have been automatically      
            # generated to configure Elasticsearch security features on {stamp}
            #
            # --------------------------------------------------------------------------------

            # Enable security features
            xpack.security.enabled: true

            xpack.security.enrollment.enabled: true

            # Enable encryption for HTTP API client connections, such as Kibana, Logstash, and Agents
            xpack.security.http.ssl:
              enabled: true
              keystore.path: certs/http.p12

            # Enable encryption and mutual authentication between cluster nodes
            xpack.security.transport.ssl:
              enabled: true
              verification_mode: certificate
              keystore.path: certs/transport.p12
              truststore.path: certs/transport.p12
            {bootstrap}

            # Allow HTTP API connections from anywhere
            # Connections are encrypted and require user authentication
            http.host: 0.0.0.0

            # Allow other nodes to join the cluster from anywhere
            # Connections are encrypted and mutually authenticated
            #transport.host: 0.0.0.0

            #----------------------- END SECURITY AUTO CONFIGURATION -------------------------

            """;
    }

    /// <summary>Reads the settings as Elasticsearch flattens them; a key given twice is an error, as in Elasticsearch.</summary>
    public static Dictionary<string, SettingValue> Read(string text, string path)
    {
        var flat = new Dictionary<string, SettingValue>(StringComparer.Ordinal);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or ArgumentException)
        {
            // YamlDotNet refuses a mapping with the same key twice (ArgumentException); Elasticsearch refuses it too.
            throw new EsException(500, "settings_exception", $"Failed to load settings from [{path}]",
                new EsException(500, "parser_exception", e.Message));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return flat;
        }

        void Walk(string prefix, YamlNode node)
        {
            switch (node)
            {
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children)
                    {
                        var name = ((YamlScalarNode)key).Value ?? string.Empty;
                        Walk(prefix.Length == 0 ? name : $"{prefix}.{name}", value);
                    }

                    break;
                case YamlSequenceNode sequence:
                    Add(prefix, SettingValue.Of([.. sequence.Children.Select(c => (c as YamlScalarNode)?.Value ?? string.Empty)]));
                    break;
                case YamlScalarNode scalar:
                    Add(prefix, SettingValue.Of(scalar.Value ?? string.Empty));
                    break;
            }
        }

        void Add(string key, SettingValue value)
        {
            if (!flat.TryAdd(key, value))
            {
                throw new EsException(500, "settings_exception", $"Failed to load settings from [{path}]",
                    EsException.IllegalArgument($"duplicate settings key [{key}] found at line number [0], column number [0], previous value [{flat[key]}], current value [{value}]"));
            }
        }

        Walk(string.Empty, root);
        return flat;
    }
}
