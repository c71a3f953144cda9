using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>
/// A worker that is a pwsh process, driven over PowerShell's out-of-process remoting (the
/// mechanism behind Start-Job), taken from <see cref="WarmRunspaces.Processes"/> when one is kept.
/// </summary>
internal sealed class ProcessWorker(WorkerSetup setup) : RunspaceWorker(setup)
{
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(3);

    private readonly object _killGate = new();
    private int _processId;
    private Process? _process;
    private volatile bool _killed;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Runspace runspace;
        using (cancellationToken.Register(Kill))
            runspace = await WarmRunspaces.Processes.TakeOrOpenAsync(cancellationToken).ConfigureAwait(false);
        bool killed;
        lock (_killGate)
        {
            Runspace = runspace; // from here a Kill closes it
            killed = _killed;
        }
        if (killed)
        {
            // Kill ran before the runspace was known: it is idle, and closing it ends its process.
            _ = ParkedThreads.Run(() => Close(null, runspace));
            throw new OperationCanceledException("The worker was stopped while it started.");
        }
        // The setup blocks while scripts run: never on a pool thread, since dozens of workers setting
        // up at once on pool threads starved the pool (calls that take 1 s took up to 28 s). The pool
        // starts each worker on a thread of its own: when the runspace was ready at once (a kept
        // one), this still runs on that thread, and sets up here.
        if (!Thread.CurrentThread.IsThreadPoolThread)
        {
            SetUp(runspace);
            return;
        }
        await ParkedThreads.Run(() => SetUp(runspace)).ConfigureAwait(false);
    }

    // The loop goes to the process as text, to parse there: it cannot receive a scriptblock object.
    private void SetUp(Runspace runspace)
    {
        PowerShell OnWorker()
        {
            var ps = PowerShell.Create();
            ps.Runspace = runspace;
            return ps;
        }
        SetupRan(RunSetup(OnWorker));
        RunInitializationScript(OnWorker);
        Attach(ReadyLoop.StartWorkerLoop(runspace, Setup.Marker, Setup.Script.ScriptText, Setup.AsProcessBlock));
    }

    private void SetupRan(int processId)
    {
        _processId = processId; // for the kill that a Kill during the set-up scheduled
        if (_killed)
            throw new OperationCanceledException("The worker was stopped while it started.");
        WatchProcess();
    }

    /// <summary>
    /// Never blocks, and acts once. On a thread of its own, asks the worker to close (remoting stops
    /// its running script, and the process exits), kills the process if it has not exited within
    /// <see cref="KillGrace"/>, and disposes the runspace once it has closed. Killed first, a
    /// runspace never finished closing: it stayed "Closing" for good (seen for over 100 s), with the
    /// thread that disposed it blocked.
    /// </summary>
    public override void Kill()
    {
        lock (_killGate)
        {
            Closing = true;
            if (_killed)
                return;
            _killed = true;
        }
        _ = ParkedThreads.Run(EndKilled);
    }

    private void EndKilled()
    {
        var runspace = Runspace; // null when Kill came first: StartAsync closes it
        try
        {
            runspace?.CloseAsync();
        }
        catch (Exception)
        {
            // Already closing, closed or broken: the process kill below still ends it.
        }
        if (!WaitUntilEnded(runspace, KillGrace))
            KillProcess();
        // Disposing a runspace that has not closed blocks for good; one whose script ignored the stop
        // may never close. It is left, not waited for.
        Close(null, WaitUntilEnded(runspace, CloseWait) ? runspace : null, _process);
    }

    private static bool WaitUntilEnded(Runspace? runspace, TimeSpan wait)
    {
        if (runspace is null)
            return true;
        using var ended = new ManualResetEventSlim();
        void OnStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            if (HasEnded(e.RunspaceStateInfo.State))
                ended.Set();
        }
        runspace.StateChanged += OnStateChanged;
        try
        {
            return HasEnded(runspace.RunspaceStateInfo.State) || ended.Wait(wait);
        }
        finally
        {
            runspace.StateChanged -= OnStateChanged;
        }
    }

    private static bool HasEnded(RunspaceState state) => state is RunspaceState.Closed or RunspaceState.Broken;

    // Through the watched Process object where there is one: it cannot name a process that reused the id.
    private void KillProcess()
    {
        try
        {
            if (_process is { } watched)
            {
                if (!watched.HasExited)
                    watched.Kill(entireProcessTree: true);
            }
            else if (_processId > 0)
            {
                using var process = Process.GetProcessById(_processId);
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception)
        {
            // Already gone, or its handle closed.
        }
    }

    public override void Dispose()
    {
        if (!_killed && !EndLoop(TimeSpan.FromSeconds(2)))
            Kill();
        var runspace = Runspace;
        lock (_killGate)
        {
            if (_killed)
                return; // closed by EndKilled
            if (runspace is not null && Setup.MayKeepWorkers)
                _killed = true; // handed on: a Kill from now on (the pool stopping) leaves it alone
            else
                runspace = null;
        }
        if (runspace is null)
        {
            Close(Loop, Runspace, _process);
            return;
        }
        // Kept for the next call if the reset leaves it as it was made ready; otherwise closed.
        DetachRunspace();
        Close(Loop, null, _process);
        WarmRunspaces.Processes.Keep(() => ResetOrClose(runspace), Setup.KeepWarm);
    }

    private static Runspace? ResetOrClose(Runspace runspace)
    {
        if (RunspaceSnapshot.Reset(runspace))
            return runspace;
        Close(null, runspace);
        return null;
    }

    // Remoting does not notice when a worker process dies (a kill -9 leaves the pipeline "Running"),
    // so the process itself is watched.
    private void WatchProcess()
    {
        try
        {
            _process = Process.GetProcessById(_processId);
            _process.EnableRaisingEvents = true;
            _process.Exited += (_, _) =>
            {
                if (!Closing)
                    ReportDied("its process exited");
            };
            if (_process.HasExited && !Closing)
                ReportDied("its process exited");
        }
        catch (ArgumentException)
        {
            ReportDied("its process exited during setup");
        }
    }
}
