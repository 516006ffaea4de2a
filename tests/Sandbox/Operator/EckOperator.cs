using System.Text.Json.Nodes;
using Sandbox.Elasticsearch;
using Sandbox.Kubernetes;

namespace Sandbox.Operator;

/// <summary>
/// The ECK operator stand-in. Watches every change in the store and reconciles the Elasticsearch resources concerned,
/// one reconciliation at a time per resource (a change arriving meanwhile queues one more pass), like
/// controller-runtime's work queue.
/// </summary>
public sealed class EckOperator : IAsyncDisposable, IStoreFollower
{
    private readonly IResourceStore store;
    private readonly EckOperatorOptions options;
    private readonly ClusterReconciler reconciler;
    private readonly Dictionary<string, QueueEntry> queue = [];
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly ChangeCursor cursor = new();
    private IDisposable? subscription;
    private IDisposable? webhook;

    public EckOperator(IResourceStore store, IElasticsearchFleet? fleet, EckOperatorOptions options, RolloutPace pace)
    {
        this.store = store;
        this.options = options;
        Pace = pace;
        reconciler = new ClusterReconciler(store, fleet, options, pace);
    }

    /// <summary>The last reconciliation failure, for diagnostics (control API, test failure messages).</summary>
    public string? LastError { get; private set; }

    /// <summary>Rollout speed, shared with the load balancer controller and changeable at run time.</summary>
    public RolloutPace Pace { get; }

    /// <summary>Seeds elastic/quickstart or the clusters of the options (unless disabled) and starts reconciling every Elasticsearch resource.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = store.Subscribe(OnChange);
        webhook = store.RegisterValidatingWebhook(new ElasticsearchValidatingWebhook(options));
        if (options.SeedQuickstart)
        {
            QuickstartSeed.Apply(store, options.SeedElasticsearchVersion, options.SeedClusters);
        }

        foreach (var es in store.List(EckNames.ElasticsearchKind))
        {
            Enqueue(Key(es), CaRotation.None);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task WaitCaughtUpAsync(long version, CancellationToken cancellationToken) => cursor.WaitAsync(version, cancellationToken);

    /// <summary>Completes when no reconciliation is running or queued (tests and sandbox.json use it).</summary>
    public async Task WaitIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] running;
            lock (gate)
            {
                running = queue.Values.Select(e => e.Worker).OfType<Task>().ToArray();
            }

            if (running.Length == 0)
            {
                return;
            }

            await Task.WhenAll(running).WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Rotates the transport CA of a cluster (control API POST /ca/rotate), as ECK does: by default renewed from its
    /// private key (what happens a day before the CA expires), so the pods' certificates stay valid; with
    /// <see cref="CaRotation.NewKey"/> a new CA whose certificates are all reissued. Either way the public secret's
    /// ca.crt holds only the new CA and the running nodes pick up the new files without a restart. Returns false when
    /// the resource does not exist.
    /// </summary>
    public bool RotateTransportCa(string ns, string name, CaRotation rotation = CaRotation.Renew)
    {
        if (store.Get(EckNames.ElasticsearchKind, ns, name) is null || rotation == CaRotation.None)
        {
            return false;
        }

        Enqueue($"{ns}/{name}", rotation);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        subscription?.Dispose();
        webhook?.Dispose();
        await stopping.CancelAsync();
        try
        {
            await WaitIdleAsync(CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private void OnChange(WatchEvent change)
    {
        var obj = change.Object;
        try
        {
            Route(change, obj);
        }
        finally
        {
            // Only after the change is queued: a settle that sees this version also sees the work it caused.
            cursor.Saw(obj);
        }
    }

    private void Route(WatchEvent change, JsonObject obj)
    {
        var kind = (string?)obj["kind"];
        var ns = (string?)obj["metadata"]?["namespace"];
        switch (kind)
        {
            case EckNames.ElasticsearchKind:
                Enqueue(Key(obj), CaRotation.None);
                break;
            case "ConfigMap" when ns is not null:
                // ECK watches the ConfigMap named in spec.transport.tls.certificateAuthorities.
                var configMap = (string?)obj["metadata"]?["name"];
                foreach (var es in store.List(EckNames.ElasticsearchKind, ns))
                {
                    if ((string?)es["spec"]?["transport"]?["tls"]?["certificateAuthorities"]?["configMapName"] == configMap)
                    {
                        Enqueue(Key(es), CaRotation.None);
                    }
                }

                break;
            case "Service" or "Secret" or "Pod" when ns is not null:
                // Owned objects: a load balancer address lands in the HTTP certificate; deleted secrets are recreated.
                var cluster = (string?)obj["metadata"]?["labels"]?[EckNames.ClusterNameLabel];
                if (cluster is not null && (change.Type == "DELETED" || kind == "Service"))
                {
                    Enqueue($"{ns}/{cluster}", CaRotation.None);
                }

                break;
        }
    }

    private void Enqueue(string key, CaRotation rotation)
    {
        lock (gate)
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            if (!queue.TryGetValue(key, out var entry))
            {
                entry = new QueueEntry();
                queue[key] = entry;
            }

            entry.Dirty = true;
            // A new key supersedes a renewal queued before it.
            entry.Rotate = (CaRotation)Math.Max((int)entry.Rotate, (int)rotation);
            entry.Worker ??= Task.Run(() => WorkAsync(key, entry));
        }
    }

    private async Task WorkAsync(string key, QueueEntry entry)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        while (true)
        {
            CaRotation rotate;
            lock (gate)
            {
                if (!entry.Dirty || stopping.IsCancellationRequested)
                {
                    entry.Worker = null;
                    return;
                }

                entry.Dirty = false;
                rotate = entry.Rotate;
                entry.Rotate = CaRotation.None;
            }

            try
            {
                await reconciler.ReconcileAsync(ns, name, rotate, stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // controller-runtime logs and requeues with backoff; a controller never stops on one bad object.
                LastError = $"reconciling {key} failed: {e}";
                Console.Error.WriteLine($"eck-operator: {LastError}");
                await Task.Delay(TimeSpan.FromMilliseconds(200));
                lock (gate)
                {
                    entry.Dirty = true;
                }
            }
        }
    }

    private static string Key(JsonObject obj) => $"{(string?)obj["metadata"]?["namespace"]}/{(string?)obj["metadata"]?["name"]}";

    private sealed class QueueEntry
    {
        public bool Dirty { get; set; }

        public CaRotation Rotate { get; set; }

        public Task? Worker { get; set; }
    }
}
