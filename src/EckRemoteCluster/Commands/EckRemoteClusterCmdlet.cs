using System.Collections.Concurrent;
using System.Management.Automation;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Hosting;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Base of every cmdlet: one cancellation token that Ctrl+C (StopProcessing) cancels, engine failures turned into
/// ErrorRecords with their specific ErrorId and recommended action, and a pump that lets engine work on other
/// threads report verbose, debug, warning and progress records through the pipeline thread.
/// </summary>
public abstract class EckRemoteClusterCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private QueuedReporter? _running;
    private bool _disposed;

    protected CancellationToken CancellationToken => _stopping.Token;

    /// <summary>The same token, for helpers outside the cmdlet classes (Ctrl+C cancels it).</summary>
    internal CancellationToken StoppingToken => _stopping.Token;

    internal static IEngine Engine => EngineHost.Engine;

    protected override void StopProcessing() => _stopping.Cancel();

    protected sealed override void ProcessRecord() => Guarded(ProcessRecordCore);

    /// <summary>Runs a step with the same error handling as ProcessRecord (for work done in EndProcessing).</summary>
    protected void Guarded(Action step)
    {
        try
        {
            step();
        }
        catch (EckRemoteClusterException ex) when (ex.ErrorId == ErrorIds.ConfirmationRequired)
        {
            // A runbook that cannot answer a prompt must stop here, not go on to the next record or step.
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
        catch (EckRemoteClusterException ex)
        {
            WriteError(ErrorRecords.From(ex));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected abstract void ProcessRecordCore();

    /// <summary>
    /// Runs engine work that may take time, writing what it reports as it goes; returns when it ends.
    /// Blocks the pipeline thread on purpose: PowerShell cmdlets are synchronous, and only this thread may write.
    /// </summary>
    internal T RunWithReporting<T>(Func<IOperationReporter, CancellationToken, Task<T>> work)
    {
        using var reporter = new QueuedReporter();
        var previous = _running;
        _running = reporter;
        try
        {
            var task = Task.Run(
                () =>
                {
                    // Set inside the task: the value flows into every await of the work, and no further.
                    OperationContext.Reporter = reporter;
                    return work(reporter, CancellationToken);
                },
                CancellationToken);
            // The pump wakes for each record and the moment the work ends, not at a polling interval: a wait that
            // returns when a status flips adds nothing of its own (Wait-EckCluster's latency, docs/performance.md).
            // Not disposed: the continuation may still be inside Cancel when the pump wakes, and a source without a
            // timer holds nothing to release.
            var finished = new CancellationTokenSource();
            _ = task.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Cancel(), finished,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            try
            {
                while (reporter.Pending.TryTake(out var write, System.Threading.Timeout.Infinite, finished.Token))
                {
                    Pump(write);
                }
            }
            catch (OperationCanceledException) when (finished.IsCancellationRequested)
            {
            }

            while (reporter.Pending.TryTake(out var write))
            {
                Pump(write);
            }

            return task.GetAwaiter().GetResult();
        }
        finally
        {
            _running = previous;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the pipeline thread while engine work started by RunWithReporting waits for it:
    /// script blocks and anything else bound to this runspace must run there.
    /// </summary>
    internal Task OnPipelineThread(Action action)
    {
        var reporter = _running ?? throw new InvalidOperationException("OnPipelineThread is only for work started by RunWithReporting.");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reporter.Pending.Add(_ =>
        {
            try
            {
                action();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    private void Pump(Action<EckRemoteClusterCmdlet> write)
    {
        try
        {
            write(this);
        }
        catch (PipelineStoppedException)
        {
            // Ctrl+C: nothing more can be written, but the work is still let finish, since it puts things back as it ends.
        }
    }

    /// <summary>Reports what opening the nodes did to settle an interrupted earlier run.</summary>
    internal void WriteRecovered(IReadOnlyList<string> recovered)
    {
        foreach (var line in recovered)
        {
            WriteWarning(line);
        }
    }

    /// <summary>
    /// ShouldProcess that stops when it must ask and the host cannot (pwsh -NonInteractive, a scheduled runbook):
    /// PowerShell's own prompt then fails with "Read and Prompt functionality is not available" and a script goes on
    /// to its next step. Here it is the terminating error ConfirmationRequired, raised before the change is made.
    /// </summary>
    public new bool ShouldProcess(string target, string action)
    {
        try
        {
            return base.ShouldProcess(target, action);
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or System.Management.Automation.Host.HostException)
        {
            throw ConfirmationUnavailable(target, action, ex);
        }
    }

    /// <inheritdoc cref="ShouldProcess(string, string)"/>
    public new bool ShouldProcess(string target)
    {
        try
        {
            return base.ShouldProcess(target);
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or System.Management.Automation.Host.HostException)
        {
            throw ConfirmationUnavailable(target, MyInvocation.MyCommand.Name, ex);
        }
    }

    private EckRemoteClusterException ConfirmationUnavailable(string target, string action, Exception ex) => new(
        ErrorIds.ConfirmationRequired,
        EckErrorCategory.InvalidOperation,
        $"{MyInvocation.MyCommand.Name} must ask before it can '{action}' on {target}, and this session cannot show a prompt (it is non-interactive). Nothing was changed.",
        MyInvocation.MyCommand.Parameters.ContainsKey("Force")
            ? $"In a runbook, add -Force (or -Confirm:$false) to {MyInvocation.MyCommand.Name} to confirm in advance; run it with -WhatIf first to see the change."
            : $"In a runbook, add -Confirm:$false to {MyInvocation.MyCommand.Name} to confirm in advance; run it with -WhatIf first to see the change.",
        target,
        ex);

    /// <summary>Turns a failure into a terminating error for cases where going on with the pipeline makes no sense.</summary>
    protected void ThrowTerminating(EckRemoteClusterException ex) => ThrowTerminatingError(ErrorRecords.From(ex));

    public void Dispose()
    {
        if (!_disposed)
        {
            _stopping.Dispose();
            _disposed = true;
        }

        GC.SuppressFinalize(this);
    }

    private sealed class QueuedReporter : IOperationReporter, IDisposable
    {
        public BlockingCollection<Action<EckRemoteClusterCmdlet>> Pending { get; } = new();

        public void Verbose(string message) => Pending.Add(c => c.WriteVerbose(message));

        public void Debug(string message) => Pending.Add(c => c.WriteDebug(message));

        public void Warning(string message) => Pending.Add(c => c.WriteWarning(message));

        public void Progress(string activity, string status, int percentComplete = -1) =>
            Pending.Add(c => c.WriteProgress(new ProgressRecord(ActivityId(activity), activity, status)
            {
                PercentComplete = percentComplete,
            }));

        public void CompleteProgress(string activity) =>
            Pending.Add(c => c.WriteProgress(new ProgressRecord(ActivityId(activity), activity, "Done")
            {
                RecordType = ProgressRecordType.Completed,
            }));

        public void Dispose() => Pending.Dispose();

        // A stable id per activity name keeps one progress bar per activity without the engine tracking ids.
        private static int ActivityId(string activity) => activity.GetHashCode(StringComparison.Ordinal) & 0x7FFFFFFF;
    }
}
