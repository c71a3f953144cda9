using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>
/// A worker that is a runspace in this process (Invoke-ThreadMap): its loop pipeline runs on a
/// thread of its own, and objects pass by reference, not serialised. It takes a
/// <see cref="ReadyLoop"/> kept from an earlier call, or opens one, and hands it the call's set-up.
/// </summary>
internal sealed class ThreadWorker(WorkerSetup setup) : RunspaceWorker(setup)
{
    private volatile bool _killed;
    private TaskCompletionSource? _setUp;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var ready = await WarmRunspaces.Threads.TakeOrOpenAsync(cancellationToken).ConfigureAwait(false);
        if (_killed)
        {
            ready.Dispose();
            throw new OperationCanceledException("The worker was stopped while it started.");
        }
        var setUp = _setUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Attach(ready);
        // A loop that ended since it was taken never runs the set-up; one that ends later is killed (Kill).
        if (!ready.IsWaiting || _killed)
            setUp.TrySetCanceled();
        using (cancellationToken.Register(() => setUp.TrySetCanceled(cancellationToken)))
        {
            // What WorkerScripts.ReadyLoopCaller takes: the set-up runs on the loop's own thread.
            ready.Input.Add(new object[]
            {
                (Func<EngineIntrinsics, bool>)(engine => SetUpHere(engine, setUp)),
                Setup.Marker, Setup.Script.ScriptText, Setup.AsProcessBlock, (Action)EndItem,
            });
            await setUp.Task.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sets the variables and preferences straight into the global scope (the loop's caller runs
    /// there): a script for that cost 3-6 ms of CPU per runspace (64 runspaces: 0.2-0.4 s before the
    /// first item ran). Functions and modules still go through the setup script, run nested on the
    /// loop's thread, as does -InitializationScript.
    /// </summary>
    private bool SetUpHere(EngineIntrinsics engine, TaskCompletionSource done)
    {
        try
        {
            if (Setup.Functions.Count > 0 || Setup.Modules.Count > 0)
                RunSetup(Nested);
            else
            {
                var variables = engine.SessionState.PSVariable;
                foreach (var (name, value) in Setup.GlobalVariables())
                    variables.Set(name, value);
                variables.Set("__ptArguments", Setup.ArgumentList.ToArray());
                foreach (System.Collections.DictionaryEntry preference in Setup.Preferences)
                    variables.Set((string)preference.Key, preference.Value);
            }
            RunInitializationScript(Nested);
            done.TrySetResult();
            return true;
        }
        catch (Exception ex)
        {
            Closing = true; // the loop ends with this: a failed start, not a death
            done.TrySetException(ex);
            return false;
        }
    }

    private static PowerShell Nested() => PowerShell.Create(RunspaceMode.CurrentRunspace);

    /// <summary>Stops the running script (PowerShell.Stop, without waiting); never blocks.</summary>
    public override void Kill()
    {
        Closing = true;
        _killed = true;
        _setUp?.TrySetCanceled(); // a worker killed while it starts: the pool starts another in its place
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
        // A call that keeps warm runspaces leaves its used ones to be made ready for the next call, or
        // closed, after it returns (64 closing took 10-24 ms, on every core); one that keeps none
        // closes them all before it returns.
        if (Runspace is null)
            return; // it never took a runspace (the call ended first)
        if (_killed || Setup.KeepWarm == TimeSpan.Zero)
        {
            CloseNow();
            return;
        }
        Closing = true;
        if (Setup.MayKeepWorkers)
            WarmRunspaces.Threads.Keep(ReuseOrClose, Setup.KeepWarm);
        else
            Housekeeping.Enqueue(CloseNow); // after the call; a completed call's Replenish opens a new one in its place
    }

    /// <summary>This worker's runspace, reset and waiting for the next call; or null, once it is closed.</summary>
    private ReadyLoop? ReuseOrClose()
    {
        if (EndLoop(TimeSpan.FromSeconds(2)) && !_killed && Setup.MayKeepWorkers && Runspace is { } runspace)
        {
            DetachRunspace();
            Close(Loop, null);
            try
            {
                if (ReadyLoop.Reuse(runspace) is { } reused)
                    return reused;
            }
            catch (Exception)
            {
                // Its waiting loop did not start: closed below.
            }
        }
        CloseNow();
        return null;
    }

    private void CloseNow()
    {
        if (!_killed && !EndLoop(TimeSpan.FromSeconds(2)))
            Kill();
        var loop = Loop;
        var runspace = Runspace;
        if (_killed)
        {
            // The stop takes as long as the script takes to notice it: close off the caller's thread.
            _ = ParkedThreads.Run(() => Close(loop, runspace));
        }
        else
            Close(loop, runspace);
    }
}
