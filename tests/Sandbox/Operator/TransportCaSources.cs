using System.Text.Json.Nodes;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>
/// Reads the extra transport CAs a user names in spec.transport.tls.certificateAuthorities.configMapName, failing with
/// ECK's own messages (transport/trust.go) when the ConfigMap or its ca.crt key is missing.
/// </summary>
internal static class TransportCaSources
{
    public static string ReadAdditionalCas(IResourceStore store, ElasticsearchResource es)
    {
        if (es.TransportCaConfigMapName is not { } name)
        {
            return string.Empty;
        }

        var nsn = $"{es.Namespace}/{name}";
        var configMap = store.Get("ConfigMap", es.Namespace, name) ?? throw new OperatorReconcileException(
            $"could not retrieve config map {nsn} specified in spec.transport.tls.certificateAuthorities: configmaps \"{name}\" not found");
        if ((configMap["data"] as JsonObject)?["ca.crt"] is not { } value)
        {
            throw new OperatorReconcileException(
                $"config map {nsn} specified in spec.transport.tls.certificateAuthorities must contain ca.crt file");
        }

        return (string?)value ?? string.Empty;
    }
}

/// <summary>A reconcile step failed the way ECK reports it: a Warning event "Reconciliation error: ...".</summary>
internal sealed class OperatorReconcileException(string message) : Exception(message);
