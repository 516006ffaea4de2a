using System.Management.Automation;
using System.Management.Automation.Remoting;
using System.Management.Automation.Runspaces;

namespace EckRemoteCluster.Remoting;

/// <summary>
/// Runs one of the module's scripts on a node through its PSSession (WinRM or SSH), from any thread. The scripts are
/// self-contained and run on Windows PowerShell 5.1 as on PowerShell 7, so the node needs no module installed.
/// Ctrl+C (the token) stops the remote pipeline; a failure on the node becomes an EckRemoteClusterException.
/// </summary>
internal static class SessionCommand
{
    /// <summary>"127.0.0.1 (SSH, session 3 node-1)": sessions to one computer on several ports differ by id and name.</summary>
    public static string Describe(PSSession session)
    {
        var transport = session.Runspace.ConnectionInfo?.GetType().Name switch
        {
            "SSHConnectionInfo" => "SSH",
            "WSManConnectionInfo" => "WinRM",
            { } other => other.Replace("ConnectionInfo", string.Empty, StringComparison.Ordinal),
            null => "remoting",
        };
        return $"{session.ComputerName} ({transport}, session {session.Id} {session.Name})";
    }

    public static async Task<IReadOnlyList<PSObject>> InvokeAsync(
        PSSession session, string script, IReadOnlyList<object?> arguments, string failureErrorId, string recommendedAction, CancellationToken cancellationToken)
    {
        EnsureUsable(session);
        using var shell = PowerShell.Create();
        shell.Runspace = session.Runspace;
        shell.AddScript(script);
        foreach (var argument in arguments)
        {
            shell.AddArgument(argument);
        }

        using var stop = cancellationToken.Register(() => shell.BeginStop(null, null));
        IReadOnlyList<PSObject> output;
        try
        {
            output = [.. await Task.Factory.FromAsync(shell.BeginInvoke(), shell.EndInvoke).ConfigureAwait(false)];
        }
        catch (PipelineStoppedException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception e) when (e is PSRemotingTransportException or InvalidRunspaceStateException)
        {
            throw Lost(session, e);
        }
        catch (RuntimeException e)
        {
            throw Failed(session, failureErrorId, e.Message, recommendedAction, e);
        }


        cancellationToken.ThrowIfCancellationRequested();
        if (shell.Streams.Error.Count > 0)
        {
            var first = shell.Streams.Error[0];
            throw Failed(session, failureErrorId, first.Exception?.Message ?? first.ToString(), recommendedAction, first.Exception);
        }

        return output;
    }

    /// <summary>
    /// Runs a script synchronously (from the pipeline thread or any other); a failure on the node is a
    /// <see cref="RemoteFileException"/> naming the exception type there, a broken session an EckRemoteClusterException.
    /// </summary>
    public static IReadOnlyList<PSObject> InvokeRaw(PSSession session, string script, IReadOnlyList<object?> arguments)
    {
        EnsureUsable(session);
        using var shell = PowerShell.Create();
        shell.Runspace = session.Runspace;
        shell.AddScript(script);
        foreach (var argument in arguments)
        {
            shell.AddArgument(argument);
        }

        IReadOnlyList<PSObject> output;
        try
        {
            output = [.. shell.Invoke()];
        }
        catch (Exception e) when (e is PSRemotingTransportException or InvalidRunspaceStateException)
        {
            throw Lost(session, e);
        }
        catch (RuntimeException e)
        {
            throw new RemoteFileException($"On {Describe(session)}: {e.Message}", e.ErrorRecord?.CategoryInfo.Reason ?? string.Empty, e);
        }

        if (shell.Streams.Error.Count > 0)
        {
            var first = shell.Streams.Error[0];
            throw new RemoteFileException($"On {Describe(session)}: {first.Exception?.Message ?? first.ToString()}", first.CategoryInfo.Reason ?? string.Empty, first.Exception);
        }

        return output;
    }

    private static void EnsureUsable(PSSession session)
    {
        var state = session.Runspace.RunspaceStateInfo.State;
        if (state != RunspaceState.Opened || session.Runspace.RunspaceAvailability is not (RunspaceAvailability.Available or RunspaceAvailability.AvailableForNestedCommand))
        {
            throw new EckRemoteClusterException(ErrorIds.SessionUnavailable, EckErrorCategory.ConnectionError,
                $"The session to {Describe(session)} is {state}/{session.Runspace.RunspaceAvailability}, so nothing can be done on that node through it.",
                "Open a new session (New-PSSession -HostName ... or -ComputerName ...) and pass it to -Session; Get-PSSession shows the state of yours.",
                session.ComputerName);
        }
    }

    private static EckRemoteClusterException Failed(PSSession session, string errorId, string message, string recommendedAction, Exception? inner) =>
        new(errorId, EckErrorCategory.InvalidOperation, $"On {Describe(session)}: {message}", recommendedAction, session.ComputerName, inner);

    private static EckRemoteClusterException Lost(PSSession session, Exception inner) =>
        new(ErrorIds.SessionLost, EckErrorCategory.ConnectionError,
            $"The session to {Describe(session)} broke: {inner.Message}",
            "Open a new session to the node and run the command again; what the module writes is all-or-none per node, and a second run finishes what is left.",
            session.ComputerName, inner);
}
