using Sandbox.Control;

namespace Sandbox.Tests.Control;

public sealed class StdinStopSignalTests
{
    [Fact]
    public void ReadsStdinOnADedicatedThreadNotAThreadPoolWorker()
    {
        var input = new RecordingReader(["keep going", "still here"]);
        using var stopped = new ManualResetEventSlim();

        var thread = StdinStopSignal.Start(input, stopped.Set);

        Assert.True(stopped.Wait(TimeSpan.FromMinutes(1)), "stop was not called once stdin ended");
        Assert.True(thread.Join(TimeSpan.FromMinutes(1)));
        Assert.Equal(3, input.Reads.Count);
        Assert.All(input.Reads, read => Assert.False(read.OnPool, "stdin was read on a thread-pool worker"));
        Assert.All(input.Reads, read => Assert.True(read.Background, "the stdin thread would keep the process alive"));
    }

    [Fact]
    public void DoesNotStopWhileStdinIsOpen()
    {
        using var gate = new SemaphoreSlim(0);
        var input = new BlockingReader(gate);
        using var stopped = new ManualResetEventSlim();

        var thread = StdinStopSignal.Start(input, stopped.Set);

        Assert.True(input.Reading.Wait(TimeSpan.FromMinutes(1)));
        Assert.False(stopped.IsSet);
        gate.Release();
        Assert.True(stopped.Wait(TimeSpan.FromMinutes(1)));
        Assert.True(thread.Join(TimeSpan.FromMinutes(1)));
    }

    private sealed class RecordingReader(string[] lines) : TextReader
    {
        private int next;

        public List<(bool OnPool, bool Background)> Reads { get; } = [];

        public override string? ReadLine()
        {
            Reads.Add((Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.IsBackground));
            return next < lines.Length ? lines[next++] : null;
        }
    }

    private sealed class BlockingReader(SemaphoreSlim gate) : TextReader
    {
        public ManualResetEventSlim Reading { get; } = new();

        public override string? ReadLine()
        {
            Reading.Set();
            gate.Wait();
            return null;
        }
    }
}
