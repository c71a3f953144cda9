using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ParallelTools;

/// <summary>
/// A worker that is a runspace in this process (Invoke-ThreadMap): its loop pipeline runs on a
/// thread of its own, and objects pass by reference, not serialised.
/// </summary>
internal sealed class ThreadWorker(WorkerSetup setup, InitialSessionState sessionState) : RunspaceWorker(setup)
{
    private volatile bool _killed;

    // Opening takes ~15 ms of CPU and blocks: on a thread of its own, since 64 of them blocking pool
    // threads at once starved the pool (a first call took 30 s instead of 2).
    protected override Task<Runspace> OpenRunspaceAsync(CancellationToken cancellationToken) => Task.Factory.StartNew(() =>
    {
        var runspace = RunspaceFactory.CreateRunspace(sessionState);
        runspace.Open();
        if (_killed || cancellationToken.IsCancellationRequested)
        {
            runspace.Dispose();
            throw new OperationCanceledException("The worker was stopped while it started.");
        }
        return runspace;
    }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Stops the running script (PowerShell.Stop, without waiting); never blocks.</summary>
    public override void Kill()
    {
        Closing = true;
        _killed = true;
        try
        {
            Loop?.BeginStop(null, null);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // Not running any more.
        }
    }

    public override void Dispose()
    {
        if (!_killed && !EndLoop(TimeSpan.FromSeconds(2)))
            Kill();
        var loop = Loop;
        var runspace = Runspace;
        if (_killed)
        {
            // The stop takes as long as the script takes to notice it: close off the caller's thread.
            _ = Task.Factory.StartNew(() => Close(loop, runspace), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        else
            Close(loop, runspace);
    }

    private static void Close(PowerShell? loop, Runspace? runspace)
    {
        try
        {
            loop?.Dispose();
            runspace?.Dispose();
        }
        catch (Exception)
        {
            // A stopped pipeline may complain while closing; there is nothing left to free.
        }
    }
}
