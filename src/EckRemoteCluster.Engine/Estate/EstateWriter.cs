using System.Globalization;
using EckRemoteCluster.Contracts;
using YamlDotNet.RepresentationModel;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>Writes an <see cref="EstateDocument"/> as the YAML <see cref="EstateReader"/> reads: what one reads, the other writes.</summary>
internal static class EstateWriter
{
    public static string Write(EstateDocument document, string? header = null)
    {
        var root = new YamlMappingNode
        {
            { "version", "1" },
            { "localClusters", new YamlSequenceNode(document.LocalClusters.Select(Local)) },
            { "eckClusters", new YamlSequenceNode(document.EckClusters.Select(Eck)) },
            { "links", new YamlSequenceNode(document.Links.Select(Link)) },
        };
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        if (header is not null)
        {
            foreach (var line in header.Split('\n'))
            {
                text.WriteLine("# " + line.TrimEnd('\r'));
            }
        }

        new YamlStream(new YamlDocument(root)).Save(text, assignAnchors: false);
        // YamlDotNet ends a document with "...", which a person editing the file does not need.
        var yaml = text.ToString();
        var end = yaml.LastIndexOf("...", StringComparison.Ordinal);
        return end >= 0 && yaml[end..].Trim() == "..." ? yaml[..end] : yaml;
    }

    private static YamlMappingNode Local(EstateLocalCluster local)
    {
        var map = new YamlMappingNode { { "name", local.Name } };
        if (local.Uris.Count == 1)
        {
            map.Add("uri", local.Uris[0]);
        }
        else
        {
            map.Add("uris", Sequence(local.Uris));
        }

        Optional(map, "certificateAuthority", local.CertificateAuthority);
        Optional(map, "username", local.Username);
        Secret(map, "password", local.Password);
        Secret(map, "apiKey", local.ApiKey);
        Secret(map, "keystorePassword", local.KeystorePassword);
        map.Add("nodes", new YamlSequenceNode(local.Nodes.Select(Node)));
        Optional(map, "restartCommand", local.RestartCommand);
        if (local.Prune)
        {
            map.Add("prune", "true");
        }

        return map;
    }

    private static YamlNode Node(EstateNode node)
    {
        if (node.Ssh is null && node.ConfigPath is not null)
        {
            return new YamlMappingNode { { "configPath", node.ConfigPath } };
        }

        var map = new YamlMappingNode();
        Optional(map, "ssh", node.Ssh);
        Optional(map, "keyFile", node.KeyFile);
        Optional(map, "knownHostsFile", node.KnownHostsFile);
        Optional(map, "configPath", node.ConfigPath);
        return map;
    }

    private static YamlMappingNode Eck(EstateEckCluster eck)
    {
        var map = new YamlMappingNode { { "name", eck.Name } };
        Optional(map, "kubeconfig", eck.KubeConfig);
        Optional(map, "context", eck.Context);
        map.Add("namespace", eck.Namespace);
        map.Add("cluster", eck.Cluster);
        map.Add("serviceType", eck.ServiceType.ToString());
        return map;
    }

    private static YamlMappingNode Link(EstateLink link)
    {
        var map = new YamlMappingNode
        {
            { "alias", link.Alias },
            { "local", link.Local },
            { "eck", link.Eck },
            { "securityModel", link.SecurityModel.ToString() },
        };
        if (link.SecurityModel == RemoteClusterSecurityModel.ApiKey)
        {
            if (link.Search.Count > 0)
            {
                map.Add("search", Sequence(link.Search));
            }

            if (link.Replication.Count > 0)
            {
                map.Add("replication", Sequence(link.Replication));
            }

            if (link.KeyExpiration is { } expiration)
            {
                map.Add("keyExpiration", TimeValues.Format(expiration));
            }

            if (link.RotateBefore != EstateReader.DefaultRotation(link.KeyExpiration))
            {
                map.Add("rotateBefore", TimeValues.Format(link.RotateBefore));
            }
        }

        if (link.SkipUnavailable is { } skip)
        {
            map.Add("skipUnavailable", skip ? "true" : "false");
        }

        if (link.Roles.Count > 0)
        {
            map.Add("roles", new YamlSequenceNode(link.Roles.Select(Role)));
        }

        return map;
    }

    private static YamlMappingNode Role(EstateRole role)
    {
        var map = new YamlMappingNode
        {
            { "name", role.Name },
            { "indices", Sequence(role.Indices) },
            { "privileges", Sequence(role.Privileges) },
        };
        if (role.RemoteClusterPrivileges.Count > 0)
        {
            map.Add("remoteClusterPrivileges", Sequence(role.RemoteClusterPrivileges));
        }

        return map;
    }

    private static void Secret(YamlMappingNode map, string key, EstateSecretReference? secret)
    {
        if (secret is null)
        {
            return;
        }

        var reference = new YamlMappingNode();
        Optional(reference, "env", secret.Environment);
        Optional(reference, "file", secret.File);
        Optional(reference, "secret", secret.Secret);
        Optional(reference, "vault", secret.Vault);
        map.Add(key, reference);
    }

    private static void Optional(YamlMappingNode map, string key, string? value)
    {
        if (value is not null)
        {
            map.Add(key, value);
        }
    }

    private static YamlSequenceNode Sequence(IEnumerable<string> values) =>
        new(values.Select(v => (YamlNode)new YamlScalarNode(v))) { Style = YamlDotNet.Core.Events.SequenceStyle.Flow };
}
