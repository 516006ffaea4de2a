using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Kubernetes;

namespace EckRemoteCluster.Tests.Kubernetes;

public sealed class KubernetesSessionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("eckrc-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void UsesTheCurrentContextWithItsServerAndNamespace()
    {
        var file = Write("a.yaml", FakeKubernetesApi.KubeConfigText("https://a.example:6443", "alpha", "elastic"));

        var session = new KubernetesSessions().Get(new KubernetesTarget(file, null));

        Assert.Equal("alpha", session.ContextName);
        Assert.Equal("elastic", session.DefaultNamespace);
        Assert.Equal("a.example", session.Client.BaseUri.Host);
    }

    [Fact]
    public void ContextWithoutNamespaceDefaultsToDefault()
    {
        var file = Write("a.yaml", FakeKubernetesApi.KubeConfigText("https://a.example:6443", "alpha", null));

        Assert.Equal("default", new KubernetesSessions().Get(new KubernetesTarget(file, null)).DefaultNamespace);
    }

    [Fact]
    public void MergesSeveralFilesAndSelectsAContextFromTheSecond()
    {
        var first = Write("a.yaml", FakeKubernetesApi.KubeConfigText("https://a.example:6443", "alpha", null));
        var second = Write("b.yaml", FakeKubernetesApi.KubeConfigText("https://b.example:6443", "beta", "team"));
        var paths = first + Path.PathSeparator + second;

        var beta = new KubernetesSessions().Get(new KubernetesTarget(paths, "beta"));
        var current = new KubernetesSessions().Get(new KubernetesTarget(paths, null));

        Assert.Equal("b.example", beta.Client.BaseUri.Host);
        Assert.Equal("team", beta.DefaultNamespace);
        // kubectl: the first file that sets current-context wins.
        Assert.Equal("alpha", current.ContextName);
    }

    [Fact]
    public void FirstFileWinsForAContextDefinedTwice()
    {
        var first = Write("a.yaml", FakeKubernetesApi.KubeConfigText("https://first.example:6443", "shared", null));
        var second = Write("b.yaml", FakeKubernetesApi.KubeConfigText("https://second.example:6443", "shared", null));

        var merged = KubeConfigMerge.Load([first, second]);
        var session = new KubernetesSessions().Get(new KubernetesTarget(first + Path.PathSeparator + second, "shared"));

        Assert.Single(merged.Contexts, c => c.Name == "shared");
        Assert.Equal("first.example", session.Client.BaseUri.Host);
    }

    [Fact]
    public void UnknownContextFailsWithKubeContextNotFoundListingTheKnownOnes()
    {
        var first = Write("a.yaml", FakeKubernetesApi.KubeConfigText("https://a.example:6443", "alpha", null));
        var second = Write("b.yaml", FakeKubernetesApi.KubeConfigText("https://b.example:6443", "beta", null));

        var error = Assert.Throws<EckRemoteClusterException>(() => new KubernetesSessions().Get(new KubernetesTarget(first + Path.PathSeparator + second, "gamma")));

        Assert.Equal("KubeContextNotFound", error.ErrorId);
        Assert.Contains("'gamma'", error.Message, StringComparison.Ordinal);
        Assert.Contains("alpha, beta", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.RecommendedAction));
    }

    [Fact]
    public void NoCurrentContextAndNoContextGivenFails()
    {
        var file = Write("a.yaml", FakeKubernetesApi.KubeConfigText("https://a.example:6443", "alpha", null).Replace("current-context: alpha", "", StringComparison.Ordinal));

        var error = Assert.Throws<EckRemoteClusterException>(() => new KubernetesSessions().Get(new KubernetesTarget(file, null)));

        Assert.Equal("KubeContextNotFound", error.ErrorId);
        Assert.Contains("no current context", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplicitPathThatDoesNotExistFailsWithKubeConfigNotFound()
    {
        var existing = Write("a.yaml", FakeKubernetesApi.KubeConfigText("https://a.example:6443", "alpha", null));
        var missing = Path.Combine(_folder, "missing.yaml");

        var error = Assert.Throws<EckRemoteClusterException>(() => KubernetesSessions.KubeConfigFiles(existing + Path.PathSeparator + missing));

        Assert.Equal("KubeConfigNotFound", error.ErrorId);
        Assert.Equal(missing, error.Target);
    }

    [Fact]
    public void UnreadableFileFailsWithKubeConfigInvalid()
    {
        var file = Write("broken.yaml", "clusters: [unclosed");

        var error = Assert.Throws<EckRemoteClusterException>(() => new KubernetesSessions().Get(new KubernetesTarget(file, null)));

        Assert.Equal("KubeConfigInvalid", error.ErrorId);
    }

    [Fact]
    public void BrokenFileIsReadAgainOnceFixed()
    {
        var file = Write("a.yaml", "clusters: [unclosed");
        var sessions = new KubernetesSessions();
        Assert.Throws<EckRemoteClusterException>(() => sessions.Get(new KubernetesTarget(file, null)));

        File.WriteAllText(file, FakeKubernetesApi.KubeConfigText("https://a.example:6443", "alpha", null));

        Assert.Equal("alpha", sessions.Get(new KubernetesTarget(file, null)).ContextName);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
