using System.Globalization;

namespace Sandbox.Control;

/// <summary>The sandbox's command line (see the usage text).</summary>
public sealed record SandboxOptions(
    string StateDir,
    string EckVersion,
    string EsVersion,
    string LocalVersion,
    int LocalNodes,
    string Rollout,
    int Seed,
    int? KeystorePasswordNode)
{
    public const string Usage =
        "usage: Sandbox --state-dir DIR [--eck-version 3.3.0|3.2.0] [--es-version 9.1.0] [--local-version 9.1.0] " +
        "[--local-nodes 2] [--rollout instant|realistic] [--seed N] [--keystore-password-node N] [--node-user elasticsearch] " +
        "[--eck-clusters 1]";

    /// <summary>The most ECK clusters --eck-clusters starts: each is three node stand-ins with their own listeners.</summary>
    public const int MaxEckClusters = 50;

    /// <summary>The user self-managed nodes read their files as (Linux, sandbox run as root); see NodeFileReader.</summary>
    public string? NodeUser { get; init; }

    /// <summary>How many ECK clusters to seed (1: elastic/quickstart alone); see Operator/SeededEckClusters.</summary>
    public int EckClusters { get; init; } = 1;

    public static SandboxOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Unexpected argument '{name}'.\n{Usage}");
            }

            values[name[2..]] = args[++i];
        }

        var known = new[] { "state-dir", "eck-version", "es-version", "local-version", "local-nodes", "rollout", "seed", "keystore-password-node", "node-user", "eck-clusters" };
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"Unknown option --{unknown}.\n{Usage}");
        }

        var rollout = values.GetValueOrDefault("rollout", "instant");
        if (rollout is not ("instant" or "realistic"))
        {
            throw new ArgumentException($"--rollout must be instant or realistic, not '{rollout}'.");
        }

        var eckClusters = Integer(values, "eck-clusters") ?? 1;
        if (eckClusters is < 1 or > MaxEckClusters)
        {
            throw new ArgumentException($"--eck-clusters must be between 1 and {MaxEckClusters}, not {eckClusters}.");
        }

        return new SandboxOptions(
            Path.GetFullPath(values.GetValueOrDefault("state-dir") ?? throw new ArgumentException($"--state-dir is required.\n{Usage}")),
            Version(values, "eck-version", "3.3.0"),
            Version(values, "es-version", "9.1.0"),
            Version(values, "local-version", "9.1.0"),
            Integer(values, "local-nodes") ?? 2,
            rollout,
            Integer(values, "seed") ?? 0,
            Integer(values, "keystore-password-node"))
        {
            NodeUser = values.GetValueOrDefault("node-user"),
            EckClusters = eckClusters,
        };
    }

    private static string Version(Dictionary<string, string> values, string name, string fallback)
    {
        var text = values.GetValueOrDefault(name, fallback);
        return System.Version.TryParse(text, out _) ? text : throw new ArgumentException($"--{name} must be a version such as {fallback}, not '{text}'.");
    }

    private static int? Integer(Dictionary<string, string> values, string name) =>
        !values.TryGetValue(name, out var text) ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"--{name} must be a non-negative integer, not '{text}'.");
}
