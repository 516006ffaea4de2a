using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Sandbox.Kubernetes;

/// <summary>Writes JSON bodies and Status errors the way kube-apiserver frames them.</summary>
public static class JsonResponses
{
    public static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(JsonOptions.Unescaped) + "\n");
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, KubernetesStatusException error) =>
        WriteAsync(context, error.Code, StatusErrors.ToStatus(error));
}
