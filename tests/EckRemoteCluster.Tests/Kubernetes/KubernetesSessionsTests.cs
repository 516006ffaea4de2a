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

    // Every field of KubernetesClient's kubeconfig model, plus keys it does not know (kubectl's newer ones), with a
    // relative certificate path: our reader must give what LoadKubeConfig(file, useRelativePaths: true) gives.
    private const string FullKubeConfig = """
        apiVersion: v1
        kind: Config
        preferences:
          colors: true
        clusters:
        - name: one
          cluster:
            server: https://one.example:6443
            certificate-authority: certs/ca.crt
            tls-server-name: api.one
            insecure-skip-tls-verify: true
            proxy-url: http://proxy.example:3128
            disable-compression: true
            extensions:
            - name: meta
              extension:
                region: eu
        - name: two
          cluster:
            server: https://two.example:6443
            certificate-authority-data: QUJD
        users:
        - name: exec-user
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: get-token
              args: [--cluster, one]
              env:
              - name: AWS_PROFILE
                value: prod
              installHint: install get-token
              provideClusterInfo: true
              interactiveMode: Never
        - name: cert-user
          user:
            client-certificate: certs/client.crt
            client-key: certs/client.key
            client-certificate-data: Q0VSVA==
            client-key-data: S0VZ
            token: t0ken
            username: admin
            password: secret
            as: someone
            as-groups: [g1, g2]
            auth-provider:
              name: oidc
              config:
                idp-issuer-url: https://issuer.example
        contexts:
        - name: one
          context:
            cluster: one
            user: exec-user
            namespace: elastic
        - name: two
          context:
            cluster: two
            user: cert-user
        current-context: one
        """;

    [Fact]
    public void ReadsAKubeconfigAsKubernetesClientDoes()
    {
        var file = Write("full.yaml", FullKubeConfig);

        var ours = KubeConfigMerge.Read(file);
        var theirs = k8s.KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: true);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(theirs), System.Text.Json.JsonSerializer.Serialize(ours));
        Assert.Equal(Path.GetFullPath(file), ours.FileName);
        Assert.Equal("certs/ca.crt", ours.Clusters.First().ClusterEndpoint.CertificateAuthority);
        Assert.Equal(["--cluster", "one"], ours.Users.First().UserCredentials.ExternalExecution.Arguments);
        Assert.Equal("prod", ours.Users.First().UserCredentials.ExternalExecution.EnvironmentVariables[0]["value"]);
        Assert.Equal("https://issuer.example", ours.Users.Last().UserCredentials.AuthProvider.Config["idp-issuer-url"]);
    }

    [Fact]
    public void EmptyFileHasNoContextAndFailsWithKubeContextNotFound()
    {
        var file = Write("empty.yaml", "");

        var error = Assert.Throws<EckRemoteClusterException>(() => new KubernetesSessions().Get(new KubernetesTarget(file, null)));

        Assert.Equal("KubeContextNotFound", error.ErrorId);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
