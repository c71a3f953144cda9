using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ParallelTools;

/// <summary>
/// A runspace with its worker loop pipeline running. Kept runspaces of this process (<see cref="Open"/>)
/// run <see cref="WorkerScripts.ReadyLoopCaller"/>, waiting for the set-up of the call that takes
/// them: opened in the background between calls, so a call pays neither the runspace's opening nor
/// the start of its pipeline and thread.
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
            return Start(runspace, loop => loop.AddScript(WorkerScripts.ReadyLoopCaller).AddArgument(WorkerScripts.LoopBlock()));
        }
        catch
        {
            runspace.Dispose();
            throw;
        }
    }

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
