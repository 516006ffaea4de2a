using System.Text.Json.Nodes;

namespace Sandbox.Kubernetes;

/// <summary>
/// kube-controller-manager's root-ca-cert-publisher: every namespace gets (and keeps) a ConfigMap kube-root-ca.crt
/// holding the API server's CA, so `kubectl get configmaps` shows what it shows on a real cluster.
/// </summary>
public sealed class RootCaPublisher(ResourceStore store, string caPem) : IDisposable
{
    public const string ConfigMapName = "kube-root-ca.crt";

    private const string Description = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the "
        + "internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

    private IDisposable? subscription;

    public void Start()
    {
        subscription = ((IResourceStore)store).Subscribe(OnChange);
        foreach (var ns in store.List(ResourceCatalog.Namespace, null).Items)
        {
            Publish(ObjectMeta.Name(ns)!);
        }
    }

    public void Dispose() => subscription?.Dispose();

    private void OnChange(WatchEvent change)
    {
        var kind = (string?)change.Object["kind"];
        if (kind == "Namespace" && change.Type == "ADDED")
        {
            Publish(ObjectMeta.Name(change.Object)!);
        }
        else if (kind == "ConfigMap" && ObjectMeta.Name(change.Object) == ConfigMapName && ObjectMeta.Namespace(change.Object) is { } ns
            && (change.Type == "DELETED" || (string?)change.Object["data"]?["ca.crt"] != caPem))
        {
            // The controller restores a deleted or edited copy.
            Publish(ns);
        }
    }

    private void Publish(string ns)
    {
        var expected = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = ConfigMapName,
                ["namespace"] = ns,
                ["annotations"] = new JsonObject { ["kubernetes.io/description"] = Description },
            },
            ["data"] = new JsonObject { ["ca.crt"] = caPem },
        };
        try
        {
            var current = store.TryGet(ResourceCatalog.ConfigMap, ns, ConfigMapName);
            if (current is null)
            {
                store.Create(ResourceCatalog.ConfigMap, ns, expected, WriteOptions.Controller);
            }
            else if ((string?)current["data"]?["ca.crt"] != caPem)
            {
                current["data"] = expected["data"]!.DeepClone();
                store.Update(ResourceCatalog.ConfigMap, ns, ConfigMapName, current, WriteOptions.Controller, statusOnly: false);
            }
        }
        catch (KubernetesStatusException)
        {
            // The namespace went away meanwhile, or a concurrent write won; the next event brings us back.
        }
    }
}
