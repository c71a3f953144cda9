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
    private int _processId;
    private Process? _process;
    private volatile bool _killed;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Runspace runspace;
        using (cancellationToken.Register(Kill))
            runspace = await WarmRunspaces.Processes.TakeOrOpenAsync().ConfigureAwait(false);
        if (_killed)
        {
            // Its process was not known when Kill ran: closing the runspace ends it.
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
        Runspace = runspace; // closed by Dispose, even when the set-up fails
        PowerShell OnWorker()
        {
            var ps = PowerShell.Create();
            ps.Runspace = runspace;
            return ps;
        }
        SetupRan(RunSetup(OnWorker));
        RunInitializationScript(OnWorker);
        Attach(ReadyLoop.Start(runspace, loop =>
            loop.AddScript(WorkerScripts.Loop).AddArgument(Setup.Marker).AddArgument(Setup.Script.ScriptText).AddArgument(Setup.AsProcessBlock)));
    }

    private void SetupRan(int processId)
    {
        _processId = processId;
        if (_killed)
        {
            Kill(); // again: the first ran before the process id (or the runspace) was known
            throw new OperationCanceledException("The worker was stopped while it started.");
        }
        WatchProcess();
    }

    /// <summary>
    /// Never blocks. Asks the worker to close (remoting stops its running script, and the process
    /// exits), and kills the process if it has not exited within <see cref="KillGrace"/>: a runspace
    /// closed only after its process was killed stays "Closing" for good, with a thread blocked on it
    /// (seen for over 100 s). A worker still opening is ended by <see cref="StartAsync"/> once it can be.
    /// </summary>
    public override void Kill()
    {
        Closing = true;
        _killed = true;
        try
        {
            Runspace?.CloseAsync();
        }
        catch (Exception)
        {
            // Already closing, closed or broken: the process kill below still ends it.
        }
        _ = Task.Delay(KillGrace).ContinueWith(_ => KillProcess(), TaskScheduler.Default);
    }

    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(2);

    private void KillProcess()
    {
        if (_processId <= 0)
            return;
        try
        {
            using var process = Process.GetProcessById(_processId);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    public override void Dispose()
    {
        if (!_killed && !EndLoop(TimeSpan.FromSeconds(2)))
            Kill();
        if (_killed)
        {
            // Disposing the runspace of a process that died before it closed waits for an answer that
            // never comes, and disposing its pipeline for a stop never acknowledged: wait, on a thread
            // of its own, for the close Kill began, and dispose the runspace only once it has closed.
            var runspace = Runspace;
            var process = _process;
            _ = ParkedThreads.Run(() => CloseOnceClosed(runspace, process));
        }
        else
            Close(Loop, Runspace, _process);
    }

    private static void CloseOnceClosed(Runspace? runspace, Process? process)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * (long)(KillGrace.TotalSeconds + 3);
        while (runspace?.RunspaceStateInfo.State is RunspaceState.Opened or RunspaceState.Closing or RunspaceState.BeforeOpen or RunspaceState.Opening
            && Stopwatch.GetTimestamp() < deadline)
            Thread.Sleep(50);
        bool closed = runspace?.RunspaceStateInfo.State is null or RunspaceState.Closed or RunspaceState.Broken;
        Close(null, closed ? runspace : null, process);
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
