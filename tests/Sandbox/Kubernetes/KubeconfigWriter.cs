using System.Text;

namespace Sandbox.Kubernetes;

/// <summary>
/// Writes the kubeconfig: one cluster, the admin user's context (current) and the read-only user's context; with
/// namespace contexts (--eck-clusters N), one more admin context per namespace with that namespace as its default, as
/// kubectl's <c>config set-context --namespace</c> writes it.
/// </summary>
public static class KubeconfigWriter
{
    public const string AdminContext = "sandbox-admin";
    public const string ReadOnlyContext = "sandbox-readonly";

    /// <summary>The context whose default namespace is <paramref name="ns"/>.</summary>
    public static string NamespaceContext(string ns) => $"sandbox-{ns}";

    public static string Render(Uri server, string caPem, Authenticator authenticator, IReadOnlyList<string>? namespaceContexts = null)
    {
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem));
        var extraContexts = string.Concat((namespaceContexts ?? []).Select(ns => $$"""
            - name: {{NamespaceContext(ns)}}
              context:
                cluster: sandbox
                user: {{Authenticator.AdminUser}}
                namespace: {{ns}}

            """));
        return $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: sandbox
              cluster:
                server: {{server.ToString().TrimEnd('/')}}
                certificate-authority-data: {{ca}}
            users:
            - name: {{Authenticator.AdminUser}}
              user:
                token: {{authenticator.AdminToken}}
            - name: {{Authenticator.ReadOnlyUser}}
              user:
                token: {{authenticator.ReadOnlyToken}}
            contexts:
            - name: {{AdminContext}}
              context:
                cluster: sandbox
                user: {{Authenticator.AdminUser}}
            - name: {{ReadOnlyContext}}
              context:
                cluster: sandbox
                user: {{Authenticator.ReadOnlyUser}}
            {{extraContexts}}current-context: {{AdminContext}}
            preferences: {}

            """;
    }
}
