namespace Sandbox.Control;

/// <summary>
/// The parent closing the sandbox's stdin is the portable "stop" signal (tests on every platform use it). The read
/// blocks for the sandbox's whole life, so it runs on a thread of its own, never on the thread pool: on a 2-core
/// machine the pool starts with 2 workers, and a read parked on one of them left a single worker for the API server,
/// the operator and the nodes together. A watch event then waited behind whatever the operator computed (a CA loaded,
/// a certificate issued) and reached a waiting client 45-190 ms after its commit instead of within a few ms
/// (docs/performance.md, importperf). kube-apiserver never queues a watch's delivery behind the operator's work.
/// </summary>
public static class StdinStopSignal
{
    /// <summary>Reads <paramref name="input"/> to its end on a dedicated background thread, then calls <paramref name="stop"/>.</summary>
    public static Thread Start(TextReader input, Action stop)
    {
        var thread = new Thread(() =>
        {
            while (input.ReadLine() is not null)
            {
            }

            stop();
        })
        {
            IsBackground = true,
            Name = "sandbox stdin",
        };
        thread.Start();
        return thread;
    }
}
