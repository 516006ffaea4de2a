using System.Globalization;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>An ECK cluster the sandbox starts with, and the kubeconfig context whose default namespace holds it.</summary>
public sealed record SeededEckCluster(string Namespace, string Name, string Context);

/// <summary>
/// Where the clusters of <c>--eck-clusters N</c> live. The first is always elastic/quickstart, so one cluster is the
/// sandbox as it has always been (the admin context, no namespace of its own). More clusters fill namespaces four at a
/// time (<c>elastic</c>, then <c>team-02</c>, <c>team-03</c>...), each reached through a context of its own whose
/// default namespace is that namespace, as teams that each own a namespace share one ECK operator watching them all.
/// </summary>
public static class SeededEckClusters
{
    public const int PerNamespace = 4;

    public const string FirstNamespace = "elastic";

    public const string FirstName = "quickstart";

    public static IReadOnlyList<SeededEckCluster> Layout(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (count == 1)
        {
            return [new SeededEckCluster(FirstNamespace, FirstName, KubeconfigWriter.AdminContext)];
        }

        return [.. Enumerable.Range(1, count).Select(number =>
        {
            var ns = NamespaceOf(number);
            var name = number == 1 ? FirstName : string.Create(CultureInfo.InvariantCulture, $"eck-{number:00}");
            return new SeededEckCluster(ns, name, KubeconfigWriter.NamespaceContext(ns));
        })];
    }

    /// <summary>The namespaces that get a context of their own (none for a single cluster), in order.</summary>
    public static IReadOnlyList<string> ContextNamespaces(IReadOnlyList<SeededEckCluster> layout) =>
        layout.Count == 1 ? [] : [.. layout.Select(c => c.Namespace).Distinct(StringComparer.Ordinal)];

    private static string NamespaceOf(int number)
    {
        var group = (number - 1) / PerNamespace;
        return group == 0 ? FirstNamespace : string.Create(CultureInfo.InvariantCulture, $"team-{group + 1:00}");
    }
}
