using System.Net.WebSockets;
using System.Text.Json.Nodes;
using k8s;
using Sandbox.Kubernetes;
using Sandbox.Operator;

namespace Sandbox.Tests.PortForward;

/// <summary>
/// A port-forward reaches one pod and ends with it, as kubectl's does ("The forwarding session ends when the selected
/// pod terminates"): a rolling restart held before it deletes a pod, a forward opened to that pod, then the restart
/// let go. Its own sandbox: the roll turns on the remote cluster server, which other port-forward tests expect off.
/// </summary>
public sealed class RolloutPortForwardTests(SandboxWithNodesFixture fixture) : IClassFixture<SandboxWithNodesFixture>
{
    private const string Ns = "elastic";
    private const string Pod = "quickstart-es-default-2";

    [Fact]
    public async Task AnOpenForwardEndsWhenARollRestartsItsPod()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        fixture.Pace.Holds.Arm(Ns, "quickstart", Pod, RolloutStep.PodDeletion);
        try
        {
            IResourceStore store = fixture.Api.Store;
            var es = store.Get(EckNames.ElasticsearchKind, Ns, "quickstart")!;
            es["spec"]!["remoteClusterServer"] = new JsonObject { ["enabled"] = true };
            store.Update(es);
            var paused = await fixture.Pace.Holds.WaitPausedAsync(Ns, "quickstart", RolloutStep.PodDeletion, timeout.Token);
            Assert.Equal(Pod, paused.Pod);

            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.Kubeconfig));
            using var socket = await client.WebSocketNamespacedPodPortForwardAsync(Pod, Ns, [9200], WebSocketProtocol.V4BinaryWebsocketProtocol, cancellationToken: timeout.Token);
            var buffer = new byte[64 * 1024];

            // The two port frames, and nothing else while the pod is held: the forward is open.
            for (var i = 0; i < 2; i++)
            {
                var frame = await socket.ReceiveAsync(buffer, timeout.Token);
                Assert.Equal(WebSocketMessageType.Binary, frame.MessageType);
            }

            var next = socket.ReceiveAsync(buffer, timeout.Token);
            Assert.False(next.IsCompleted);

            fixture.Pace.Holds.ReleaseAll();

            // The restart cuts the forwarded connection and the stream closes, with nothing more on the data channel.
            var ended = await next;
            Assert.Equal(WebSocketMessageType.Close, ended.MessageType);
        }
        finally
        {
            fixture.Pace.Holds.ReleaseAll();
            await fixture.WaitIdleAsync(timeout.Token);
        }
    }
}
