using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sandbox.Control;
using Sandbox.Elasticsearch;
using Sandbox.Elasticsearch.Local;
using Sandbox.Kubernetes;
using Sandbox.Operator;

// Composition root: Kubernetes API, ECK operator, load balancers, Elasticsearch nodes and the control API, started in
// dependency order; sandbox.json is written once everything is ready and removed again on the way out.
SandboxOptions options;
try
{
    options = SandboxOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

Directory.CreateDirectory(options.StateDir);
SandboxJsonWriter.Remove(options.StateDir);

using var shutdown = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
StdinStopSignal.Start(Console.In, shutdown.Cancel);

var control = new ControlPlane();
var esPipeline = ElasticsearchControl.Pipeline(control);
await using var fleet = new EckElasticsearchFleet(esPipeline);
await using var local = new LocalCluster(
    new LocalClusterOptions(options.StateDir, options.LocalNodes, options.LocalVersion, options.KeystorePasswordNode) { NodeUser = options.NodeUser }, esPipeline);
await using var api = new KubernetesApiServer(control, fleet.ResolvePodPort, options.Seed, eckVersion: options.EckVersion) { PodLog = fleet.PodLog };
await api.StartAsync(shutdown.Token);
var kubeconfigPath = Path.Combine(options.StateDir, "kubeconfig");
var caPath = Path.Combine(options.StateDir, "kubernetes-ca.crt");
File.WriteAllText(caPath, api.Certificates.CaPem);
var eckClusters = SeededEckClusters.Layout(options.EckClusters);
File.WriteAllText(kubeconfigPath, KubeconfigWriter.Render(api.Uri!, api.Certificates.CaPem, api.Authenticator, SeededEckClusters.ContextNamespaces(eckClusters)));

RolloutPace.TryParse(options.Rollout, out var speed);
var pace = new RolloutPace(speed);
await using var eckOperator = new EckOperator(api.Store, fleet, new EckOperatorOptions(options.EckVersion, options.EsVersion, options.Seed) { SeedClusters = eckClusters }, pace);
await using var loadBalancers = new LoadBalancerController(api.Store, fleet, pace, options.Seed);
control.AddRoutes(routes => RolloutRoutes.Map(routes, pace));
control.AddRoutes(routes => routes.MapPost("/kubernetes/compact", () =>
{
    api.Store.Compact();
    return Results.Json(new JsonObject { ["compactedThrough"] = api.Store.CurrentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) });
}));
control.AddRoutes(routes =>
{
    routes.MapDelete("/kubernetes/crds/elasticsearch", () => { api.Crds.ElasticsearchInstalled = false; return Results.NoContent(); });
    routes.MapPut("/kubernetes/crds/elasticsearch", () => { api.Crds.ElasticsearchInstalled = true; return Results.NoContent(); });
});
control.AddRoutes(routes => CaRotationRoutes.Map(routes, eckOperator));
control.AddRoutes(routes => StatusChangeRoutes.Map(routes, api.Store));
control.AddRoutes(routes => SettleRoutes.Map(routes, api.Store, eckOperator, loadBalancers));
control.AddRoutes(routes => LoadBalancerRoutes.Map(routes, loadBalancers));
control.AddRoutes(routes => ElasticsearchControl.MapRoutes(routes, fleet, local));

await using var controlApi = new ControlApiServer(control);
await controlApi.StartAsync(shutdown.Token);
await local.StartAsync(shutdown.Token);
local.InstallServiceStandIns(controlApi.Uri!);
await loadBalancers.StartAsync(shutdown.Token);
await eckOperator.StartAsync(shutdown.Token);
await eckOperator.WaitIdleAsync(shutdown.Token);

SandboxJsonWriter.Write(options.StateDir, new JsonObject
{
    ["pid"] = Environment.ProcessId,
    ["kubeconfig"] = kubeconfigPath,
    ["kubernetes"] = new JsonObject
    {
        ["server"] = api.Uri!.ToString().TrimEnd('/'),
        ["certificateAuthority"] = caPath,
        ["adminContext"] = KubeconfigWriter.AdminContext,
        ["readOnlyContext"] = KubeconfigWriter.ReadOnlyContext,
        ["adminToken"] = api.Authenticator.AdminToken,
        ["readOnlyToken"] = api.Authenticator.ReadOnlyToken,
    },
    ["controlApi"] = controlApi.Uri!.ToString().TrimEnd('/'),
    ["eckVersion"] = options.EckVersion,
    ["rollout"] = options.Rollout,
    ["eckClusters"] = new JsonArray([.. eckClusters.Select(c => (JsonNode)new JsonObject { ["namespace"] = c.Namespace, ["name"] = c.Name, ["context"] = c.Context })]),
}, [fleet, local]);

Console.WriteLine($"Sandbox ready: kubectl --kubeconfig {kubeconfigPath} get es -A   (control API {controlApi.Uri}, details in {Path.Combine(options.StateDir, SandboxJsonWriter.FileName)})");
try
{
    await Task.Delay(Timeout.Infinite, shutdown.Token);
}
catch (OperationCanceledException)
{
}

SandboxJsonWriter.Remove(options.StateDir);
Console.WriteLine("Sandbox stopping.");
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    shutdown.Cancel();
}
