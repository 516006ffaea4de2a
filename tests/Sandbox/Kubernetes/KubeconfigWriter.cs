using System.Text;

namespace Sandbox.Kubernetes;

/// <summary>Writes the kubeconfig: one cluster, the admin user's context (current) and the read-only user's context.</summary>
public static class KubeconfigWriter
{
    public const string AdminContext = "sandbox-admin";
    public const string ReadOnlyContext = "sandbox-readonly";

    public static string Render(Uri server, string caPem, Authenticator authenticator)
    {
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem));
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
            current-context: {{AdminContext}}
            preferences: {}

            """;
    }
}
