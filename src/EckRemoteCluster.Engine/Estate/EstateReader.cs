using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>
/// Reads an estate file (docs/estate.md) into an <see cref="EstateDocument"/>. Every key is known: a misspelt one is an
/// error, not a silently ignored setting. Every problem is reported with its line and column, all of them at once, and
/// the file is read completely before anything else happens, so a bad file changes nothing.
/// </summary>
internal sealed class EstateReader
{
    /// <summary>Used when a link does not say rotateBefore (and the key lives at least twice as long).</summary>
    public static readonly TimeSpan DefaultRotateBefore = TimeSpan.FromDays(30);

    private static readonly string[] DefaultPrivileges = ["read", "read_cross_cluster", "view_index_metadata"];

    private readonly List<(EstatePosition, string)> _problems = [];

    public static EstateDocument Read(string yaml, string source)
    {
        YamlStream stream = new();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw EstateFileErrors.Invalid(source, [(Position(e.Start), $"not valid YAML: {Reason(e)}")], e);
        }

        var reader = new EstateReader();
        var document = reader.ReadDocument(stream);
        if (reader._problems.Count > 0 || document is null)
        {
            throw EstateFileErrors.Invalid(source, reader._problems.Count > 0 ? reader._problems : [(new EstatePosition(1, 1), "the file is empty")]);
        }

        return document;
    }

    private EstateDocument? ReadDocument(YamlStream stream)
    {
        if (stream.Documents.Count == 0)
        {
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            Problem(stream.Documents[1].RootNode, "the file holds more than one YAML document; an estate is one document");
        }

        if (Mapping(stream.Documents[0].RootNode, "the estate") is not { } root)
        {
            return null;
        }

        var keys = Keys(root, "the estate", "version", "localClusters", "eckClusters", "links");
        if (keys.TryGetValue("version", out var version) && Scalar(version, "version") is { } v && v != "1")
        {
            Problem(version, $"version '{v}' is not known; this module reads version 1");
        }

        var locals = Sequence(keys, "localClusters", required: true).Select(ReadLocal).OfType<EstateLocalCluster>().ToList();
        var ecks = Sequence(keys, "eckClusters", required: true).Select(ReadEck).OfType<EstateEckCluster>().ToList();
        var links = Sequence(keys, "links", required: false).Select(ReadLink).OfType<EstateLink>().ToList();

        Unique(locals.Select(l => (l.Name, l.Position)), "local cluster");
        Unique(ecks.Select(e => (e.Name, e.Position)), "ECK cluster");
        Unique(links.Select(l => ($"{l.Local}/{l.Alias}", l.Position)), "link (local cluster and alias)");
        foreach (var link in links)
        {
            if (locals.All(l => l.Name != link.Local))
            {
                _problems.Add((link.Position, $"link '{link.Alias}' names local cluster '{link.Local}', which localClusters does not declare"));
            }

            if (ecks.All(e => e.Name != link.Eck))
            {
                _problems.Add((link.Position, $"link '{link.Alias}' names ECK cluster '{link.Eck}', which eckClusters does not declare"));
            }
        }

        return new EstateDocument(locals, ecks, links);
    }

    private EstateLocalCluster? ReadLocal(YamlNode node)
    {
        if (Mapping(node, "a local cluster") is not { } map)
        {
            return null;
        }

        var keys = Keys(map, "a local cluster", "name", "uri", "uris", "certificateAuthority", "username", "password", "apiKey", "keystorePassword", "nodes", "restartCommand", "prune");
        var name = RequiredScalar(map, keys, "name");
        var uris = keys.ContainsKey("uris") ? Strings(keys["uris"], "uris") : keys.TryGetValue("uri", out var uri) ? Strings(uri, "uri") : [];
        if (keys.ContainsKey("uri") && keys.ContainsKey("uris"))
        {
            Problem(keys["uris"], "give uri or uris, not both");
        }
        else if (uris.Count == 0)
        {
            Problem(map, "a local cluster needs uri (or uris): the HTTPS address of its REST API");
        }

        foreach (var value in uris)
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps)
            {
                Problem(keys.GetValueOrDefault("uris") ?? keys["uri"], $"'{value}' is not an https URI (the credentials never cross the network in plain HTTP)");
            }
        }

        var password = Secret(keys, "password");
        var apiKey = Secret(keys, "apiKey");
        var username = OptionalScalar(keys, "username");
        if (apiKey is not null && (password is not null || username is not null))
        {
            Problem(keys["apiKey"], "give apiKey, or username and password, not both");
        }
        else if (apiKey is null && (password is null || username is null))
        {
            Problem(map, "a local cluster needs username and password (a secret reference), or apiKey");
        }

        var nodes = Sequence(keys, "nodes", required: true).Select(ReadNode).OfType<EstateNode>().ToList();
        var prune = keys.TryGetValue("prune", out var pruneNode) && Boolean(pruneNode, "prune") == true;
        return name is null ? null : new EstateLocalCluster(name, uris, OptionalScalar(keys, "certificateAuthority"), username, password, apiKey,
            Secret(keys, "keystorePassword"), nodes, OptionalScalar(keys, "restartCommand"), prune, Position(map.Start));
    }

    private EstateNode? ReadNode(YamlNode node)
    {
        if (node is YamlScalarNode scalar)
        {
            // A plain string is a config directory, the common case for nodes reached as paths.
            return Scalar(scalar, "a node") is { } path ? new EstateNode(path, null, null, Position(scalar.Start)) : null;
        }

        if (Mapping(node, "a node") is not { } map)
        {
            return null;
        }

        var keys = Keys(map, "a node", "configPath", "ssh", "keyFile", "knownHostsFile");
        var configPath = OptionalScalar(keys, "configPath");
        var ssh = OptionalScalar(keys, "ssh");
        if (configPath is null && ssh is null)
        {
            Problem(map, "a node needs configPath (a config directory reachable from here) or ssh (user@host[:port] of the node)");
        }

        if (ssh is null && keys.TryGetValue("keyFile", out var keyFile))
        {
            Problem(keyFile, "keyFile is for nodes reached with ssh");
        }

        if (ssh is null && keys.TryGetValue("knownHostsFile", out var knownHosts))
        {
            Problem(knownHosts, "knownHostsFile is for nodes reached with ssh");
        }

        return new EstateNode(configPath, ssh, OptionalScalar(keys, "keyFile"), Position(map.Start), OptionalScalar(keys, "knownHostsFile"));
    }

    private EstateEckCluster? ReadEck(YamlNode node)
    {
        if (Mapping(node, "an ECK cluster") is not { } map)
        {
            return null;
        }

        var keys = Keys(map, "an ECK cluster", "name", "kubeconfig", "context", "namespace", "cluster", "serviceType");
        var name = RequiredScalar(map, keys, "name");
        var namespaceName = RequiredScalar(map, keys, "namespace");
        var cluster = RequiredScalar(map, keys, "cluster");
        var type = EckServiceType.LoadBalancer;
        if (keys.TryGetValue("serviceType", out var typeNode) && Scalar(typeNode, "serviceType") is { } typeText && !TryParseName(typeText, out type))
        {
            Problem(typeNode, $"serviceType '{typeText}' is not LoadBalancer or NodePort");
        }

        return name is null || namespaceName is null || cluster is null ? null
            : new EstateEckCluster(name, OptionalScalar(keys, "kubeconfig"), OptionalScalar(keys, "context"), namespaceName, cluster, type, Position(map.Start));
    }

    private EstateLink? ReadLink(YamlNode node)
    {
        if (Mapping(node, "a link") is not { } map)
        {
            return null;
        }

        var keys = Keys(map, "a link", "alias", "local", "eck", "securityModel", "search", "replication", "keyExpiration", "rotateBefore", "skipUnavailable", "roles");
        var alias = RequiredScalar(map, keys, "alias");
        if (alias is not null && !RemoteClusterAlias.IsValid(alias))
        {
            Problem(keys["alias"], $"alias '{alias}' is not valid: Elasticsearch accepts only letters, digits, '_' and '-'");
        }

        var local = RequiredScalar(map, keys, "local");
        var eck = RequiredScalar(map, keys, "eck");
        var model = RemoteClusterSecurityModel.ApiKey;
        if (keys.TryGetValue("securityModel", out var modelNode) && Scalar(modelNode, "securityModel") is { } modelText && !TryParseName(modelText, out model))
        {
            Problem(modelNode, $"securityModel '{modelText}' is not ApiKey or Certificate");
        }

        var search = keys.TryGetValue("search", out var s) ? Strings(s, "search") : [];
        var replication = keys.TryGetValue("replication", out var r) ? Strings(r, "replication") : [];
        var expiration = Duration(keys, "keyExpiration");
        var rotateBefore = Duration(keys, "rotateBefore");
        if (model == RemoteClusterSecurityModel.ApiKey && search.Count == 0 && replication.Count == 0)
        {
            Problem(map, "an API-key link needs search or replication index patterns: the key's access");
        }

        if (model == RemoteClusterSecurityModel.Certificate)
        {
            foreach (var key in new[] { "search", "replication", "keyExpiration", "rotateBefore", "roles" }.Where(keys.ContainsKey))
            {
                Problem(keys[key], $"{key} is for API-key links; with the certificate model, access is granted by roles on the remote cluster");
            }
        }

        if (expiration is { } lifetime && rotateBefore is { } before && before >= lifetime)
        {
            Problem(keys["rotateBefore"], $"rotateBefore ({TimeValues.Format(before)}) must be shorter than keyExpiration ({TimeValues.Format(lifetime)}), or every run would rotate the key");
        }

        var skip = keys.TryGetValue("skipUnavailable", out var skipNode) ? Boolean(skipNode, "skipUnavailable") : null;
        var roles = Sequence(keys, "roles", required: false).Select(ReadRole).OfType<EstateRole>().ToList();
        Unique(roles.Select(role => (role.Name, role.Position)), "role");
        return alias is null || local is null || eck is null ? null
            : new EstateLink(alias, local, eck, model, search, replication, expiration, rotateBefore ?? DefaultRotation(expiration), skip, roles, Position(map.Start));
    }

    /// <summary>30 days, or half the key's lifetime when that is shorter, so a short-lived key is not rotated on every run.</summary>
    public static TimeSpan DefaultRotation(TimeSpan? expiration) =>
        expiration is { } lifetime && lifetime < DefaultRotateBefore * 2 ? lifetime / 2 : DefaultRotateBefore;

    private EstateRole? ReadRole(YamlNode node)
    {
        if (Mapping(node, "a role") is not { } map)
        {
            return null;
        }

        var keys = Keys(map, "a role", "name", "indices", "privileges", "remoteClusterPrivileges");
        var name = RequiredScalar(map, keys, "name");
        if (name is not null && (name.StartsWith('_') || name.Length > 507))
        {
            Problem(keys["name"], $"role name '{name}' is not valid: 1 to 507 characters, not starting with '_'");
        }

        var indices = keys.TryGetValue("indices", out var i) ? Strings(i, "indices") : [];
        if (indices.Count == 0)
        {
            Problem(map, "a role needs indices: the remote index patterns it reaches");
        }

        var privileges = keys.TryGetValue("privileges", out var p) ? Strings(p, "privileges") : [.. DefaultPrivileges];
        var remote = keys.TryGetValue("remoteClusterPrivileges", out var rc) ? Strings(rc, "remoteClusterPrivileges") : [];
        foreach (var privilege in remote.Where(x => x is not ("monitor_enrich" or "monitor_stats")))
        {
            Problem(keys["remoteClusterPrivileges"], $"remote cluster privilege '{privilege}' is not monitor_enrich or monitor_stats");
        }

        return name is null ? null : new EstateRole(name, indices, privileges, remote, Position(map.Start));
    }

    private EstateSecretReference? Secret(Dictionary<string, YamlNode> keys, string key)
    {
        if (!keys.TryGetValue(key, out var node) || Mapping(node, key) is not { } map)
        {
            return null;
        }

        var refs = Keys(map, key, "env", "file", "secret", "vault");
        var given = new[] { "env", "file", "secret" }.Where(refs.ContainsKey).ToList();
        if (given.Count != 1)
        {
            Problem(map, $"{key} needs exactly one of env (an environment variable), file (a file holding the value) or secret (a SecretManagement secret name)");
            return null;
        }

        if (refs.TryGetValue("vault", out var vault) && given[0] != "secret")
        {
            Problem(vault, "vault goes with secret");
        }

        return new EstateSecretReference(OptionalScalar(refs, "env"), OptionalScalar(refs, "file"), OptionalScalar(refs, "secret"), OptionalScalar(refs, "vault"), Position(map.Start));
    }

    private TimeSpan? Duration(Dictionary<string, YamlNode> keys, string key)
    {
        if (!keys.TryGetValue(key, out var node) || Scalar(node, key) is not { } text)
        {
            return null;
        }

        if (!TimeValues.TryParse(text, out var value))
        {
            Problem(node, $"{key} '{text}' is not a duration such as 90d, 36h, 30m or 45s");
            return null;
        }

        return value;
    }

    private Dictionary<string, YamlNode> Keys(YamlMappingNode map, string what, params string[] known)
    {
        var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Problem(keyNode, $"a key of {what} must be a plain name");
                continue;
            }

            if (!known.Contains(key, StringComparer.Ordinal))
            {
                var hint = known.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
                Problem(keyNode, $"unknown key '{key}' in {what}" + (hint is not null ? $" (did you mean '{hint}'?)" : $"; known keys: {string.Join(", ", known)}"));
                continue;
            }

            keys[key] = value;
        }

        return keys;
    }

    private IEnumerable<YamlNode> Sequence(Dictionary<string, YamlNode> keys, string key, bool required)
    {
        if (!keys.TryGetValue(key, out var node))
        {
            if (required)
            {
                _problems.Add((new EstatePosition(1, 1), $"the estate needs {key}"));
            }

            return [];
        }

        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children;
        }

        Problem(node, $"{key} must be a list");
        return [];
    }

    private YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        Problem(node, $"{what} must be a mapping of keys to values");
        return null;
    }

    private string? Scalar(YamlNode node, string key)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        Problem(node, node is YamlScalarNode ? $"{key} is empty" : $"{key} must be a single value");
        return null;
    }

    private string? OptionalScalar(Dictionary<string, YamlNode> keys, string key) => keys.TryGetValue(key, out var node) ? Scalar(node, key) : null;

    private string? RequiredScalar(YamlMappingNode map, Dictionary<string, YamlNode> keys, string key)
    {
        if (keys.TryGetValue(key, out var node))
        {
            return Scalar(node, key);
        }

        Problem(map, $"{key} is missing");
        return null;
    }

    private bool? Boolean(YamlNode node, string key)
    {
        switch (Scalar(node, key))
        {
            case "true":
                return true;
            case "false":
                return false;
            case { } other:
                Problem(node, $"{key} '{other}' is not true or false");
                return null;
            default:
                return null;
        }
    }

    /// <summary>A list of strings; a single value is a list of one.</summary>
    private List<string> Strings(YamlNode node, string key)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children.Select(child => Scalar(child, key)).OfType<string>().ToList();
        }

        return Scalar(node, key) is { } one ? [one] : [];
    }

    private void Unique(IEnumerable<(string Name, EstatePosition Position)> entries, string what)
    {
        foreach (var duplicate in entries.GroupBy(e => e.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            foreach (var entry in duplicate.Skip(1))
            {
                _problems.Add((entry.Position, $"{what} '{duplicate.Key}' is declared twice"));
            }
        }
    }

    /// <summary>An enum value by its exact name only (Enum.TryParse would also take numbers and lists).</summary>
    private static bool TryParseName<T>(string text, out T value) where T : struct, Enum
    {
        value = default;
        return Enum.GetNames<T>().Contains(text, StringComparer.Ordinal) && Enum.TryParse(text, out value);
    }

    private void Problem(YamlNode node, string problem) => _problems.Add((Position(node.Start), problem));

    private static EstatePosition Position(Mark mark) => new((int)mark.Line, (int)mark.Column);

    // YamlDotNet's message starts with its own "(Line: 3, Col: 5, Idx: ..) - (...): "; the position is already given.
    private static string Reason(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 ? message[(cut + 3)..] : message;
    }
}
