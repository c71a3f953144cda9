using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ParallelTools;

/// <summary>
/// A worker that is a runspace in this process (Invoke-ThreadMap): its loop pipeline runs on a
/// thread of its own, and objects pass by reference, not serialised.
/// </summary>
internal sealed class ThreadWorker(WorkerSetup setup) : RunspaceWorker(setup)
{
    private volatile bool _killed;

    protected override async Task<Runspace> OpenRunspaceAsync(CancellationToken cancellationToken)
    {
        var runspace = await WarmRunspaces.Threads.TakeOrOpenAsync().ConfigureAwait(false);
        if (_killed)
        {
            runspace.Dispose();
            throw new OperationCanceledException("The worker was stopped while it started.");
        }
        return runspace;
    }

    protected override bool InThisProcess => true;

    /// <summary>
    /// Sets the variables and preferences through the session state of this process's runspace: a
    /// script for that cost 3-6 ms of CPU per runspace (64 runspaces: 0.2-0.4 s before the first
    /// item ran). Functions and modules still go through the setup script.
    /// </summary>
    protected override bool SetStateDirectly()
    {
        if (Setup.Functions.Count > 0 || Setup.Modules.Count > 0)
            return false;
        var state = Runspace!.SessionStateProxy;
        foreach (var (name, value) in Setup.GlobalVariables())
            state.SetVariable(name, value);
        state.SetVariable("__ptArguments", Setup.ArgumentList.ToArray());
        foreach (System.Collections.DictionaryEntry preference in Setup.Preferences)
            state.SetVariable((string)preference.Key, preference.Value);
        return true;
    }

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
