using k8s;
using Sandbox.Control;
using Sandbox.Kubernetes;
using Sandbox.Operator;

namespace Sandbox.Tests.Scale;

/// <summary>--eck-clusters N: parsing, where the clusters go, and the kubeconfig contexts that reach them.</summary>
public sealed class EckClustersOptionTests
{
    [Fact]
    public void Without_the_option_the_sandbox_seeds_elastic_quickstart_alone_reached_through_the_admin_context()
    {
        var options = SandboxOptions.Parse(["--state-dir", "state"]);
        var layout = SeededEckClusters.Layout(options.EckClusters);

        Assert.Equal(1, options.EckClusters);
        Assert.Equal([new SeededEckCluster("elastic", "quickstart", KubeconfigWriter.AdminContext)], layout);
        Assert.Empty(SeededEckClusters.ContextNamespaces(layout));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("51")]
    [InlineData("twenty")]
    [InlineData("-3")]
    public void A_count_outside_1_to_50_is_refused_with_the_option_named(string count)
    {
        var error = Assert.Throws<ArgumentException>(() => SandboxOptions.Parse(["--state-dir", "state", "--eck-clusters", count]));

        Assert.Contains("--eck-clusters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Twenty_clusters_fill_five_namespaces_four_at_a_time_each_with_a_context_of_its_own()
    {
        var layout = SeededEckClusters.Layout(SandboxOptions.Parse(["--state-dir", "state", "--eck-clusters", "20"]).EckClusters);

        Assert.Equal(20, layout.Count);
        Assert.Equal(new SeededEckCluster("elastic", "quickstart", "sandbox-elastic"), layout[0]);
        Assert.Equal(new SeededEckCluster("team-05", "eck-20", "sandbox-team-05"), layout[19]);
        Assert.Equal(20, layout.Select(c => c.Name).Distinct().Count());
        Assert.Equal(["elastic", "team-02", "team-03", "team-04", "team-05"], SeededEckClusters.ContextNamespaces(layout));
        Assert.All(layout.GroupBy(c => c.Namespace), group => Assert.Equal(SeededEckClusters.PerNamespace, group.Count()));
        Assert.All(layout, c => Assert.Equal(KubeconfigWriter.NamespaceContext(c.Namespace), c.Context));
    }

    [Fact]
    public void Each_namespace_context_of_the_kubeconfig_has_that_namespace_as_its_default_for_the_kubernetes_client()
    {
        var layout = SeededEckClusters.Layout(6);
        var file = WriteKubeconfig(SeededEckClusters.ContextNamespaces(layout));
        try
        {
            foreach (var cluster in layout)
            {
                var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(file, currentContext: cluster.Context);
                Assert.Equal(cluster.Namespace, config.Namespace);
                Assert.Equal("https://127.0.0.1:6443", config.Host);
            }

            // The admin context, current by default, keeps no namespace: kubectl and the module fall back to "default".
            Assert.Null(KubernetesClientConfiguration.BuildConfigFromConfigFile(file).Namespace);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void One_cluster_writes_the_kubeconfig_with_the_admin_and_read_only_contexts_only()
    {
        var file = WriteKubeconfig(SeededEckClusters.ContextNamespaces(SeededEckClusters.Layout(1)));
        try
        {
            var contexts = KubernetesClientConfiguration.LoadKubeConfig(file).Contexts.Select(c => c.Name);
            Assert.Equal([KubeconfigWriter.AdminContext, KubeconfigWriter.ReadOnlyContext], contexts);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string WriteKubeconfig(IReadOnlyList<string> namespaces)
    {
        using var certificates = new ApiServerCertificates();
        var file = Path.GetTempFileName();
        File.WriteAllText(file, KubeconfigWriter.Render(new Uri("https://127.0.0.1:6443"), certificates.CaPem, new Authenticator("admin-token", "read-only-token"), namespaces));
        return file;
    }
}
