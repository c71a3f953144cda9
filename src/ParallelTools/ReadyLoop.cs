using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ParallelTools;

/// <summary>
/// A runspace with its worker loop pipeline running. Kept runspaces of this process (<see cref="Open"/>)
/// run <see cref="WorkerScripts.ReadyLoopCaller"/>, waiting for the set-up of the call that takes
/// them: opened in the background between calls, or reused after a call (<see cref="Reuse"/>), so a
/// call pays neither the runspace's opening nor the start of its pipeline and thread.
/// </summary>
internal sealed class ReadyLoop(Runspace runspace, PowerShell loop, PSDataCollection<object> input, PSDataCollection<PSObject> output, IAsyncResult result)
    : IDisposable
{
    public Runspace Runspace { get; } = runspace;
    public PowerShell Loop { get; } = loop;

    /// <summary>Takes the call's set-up first, then batches of items.</summary>
    public PSDataCollection<object> Input { get; } = input;
    public PSDataCollection<PSObject> Output { get; } = output;
    public IAsyncResult Result { get; } = result;

    /// <summary>Still open and waiting: nothing has stopped it since it was opened.</summary>
    public bool IsWaiting =>
        Runspace.RunspaceStateInfo.State == RunspaceState.Opened && Loop.InvocationStateInfo.State == PSInvocationState.Running;

    public static ReadyLoop Open(InitialSessionState state)
    {
        var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Name = $"ThreadMap{runspace.Id}"; // tells them apart in Get-Runspace
        try
        {
            runspace.Open();
            RunspaceSnapshot.Remember(runspace);
            return StartWaiting(runspace);
        }
        catch
        {
            runspace.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes a runspace whose call has ended wait for the next one, after PowerShell's own reset
    /// (as ForEach-Object -Parallel reuses its runspaces); null when the call left state the reset
    /// does not undo (<see cref="RunspaceSnapshot"/>), and the runspace is for closing. The reset
    /// and the snapshot take about 4 ms, where opening a new runspace takes 15-25 ms: a call made
    /// right after another no longer waits for fresh runspaces to open (2,000 items of 10 ms at 64
    /// runspaces, back to back: 0.50-0.65 s against 1.4-1.9 s).
    /// </summary>
    public static ReadyLoop? Reuse(Runspace runspace) =>
        RunspaceSnapshot.Reset(runspace) ? StartWaiting(runspace) : null;

    private static ReadyLoop StartWaiting(Runspace runspace) =>
        Start(runspace, loop => loop.AddScript(WorkerScripts.ReadyLoopCaller).AddArgument(WorkerScripts.LoopBlock()));

    /// <summary>Starts a loop pipeline on an open runspace; <paramref name="addScript"/> gives it its script.</summary>
    public static ReadyLoop Start(Runspace runspace, Action<PowerShell> addScript)
    {
        var loop = PowerShell.Create();
        loop.Runspace = runspace;
        addScript(loop);
        var input = RunspaceWorker.NewInput();
        var output = new PSDataCollection<PSObject>();
        return new ReadyLoop(runspace, loop, input, output, loop.BeginInvoke(input, output));
    }

    /// <summary>Starts <see cref="WorkerScripts.Loop"/> on a worker process's runspace, for <paramref name="script"/>.</summary>
    public static ReadyLoop StartWorkerLoop(Runspace runspace, string marker, string script, bool asProcessBlock) =>
        Start(runspace, loop => loop.AddScript(WorkerScripts.Loop).AddArgument(marker).AddArgument(script).AddArgument(asProcessBlock));

    /// <summary>Ends the waiting loop (no more input) and closes the runspace.</summary>
    public void Dispose()
    {
        Input.Complete();
        RunspaceWorker.Close(Loop, Runspace);
    }
}
