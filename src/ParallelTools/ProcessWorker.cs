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
            KillProcess(); // Kill() ran before the process id was known
            throw new OperationCanceledException("The worker was stopped while it started.");
        }
        WatchProcess();
    }

    /// <summary>Never blocks: a worker still opening is ended by <see cref="StartAsync"/> once it can be.</summary>
    public override void Kill()
    {
        Closing = true;
        _killed = true;
        KillProcess();
    }

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
            // Closing a runspace whose process was killed waits for an answer that never comes, and
            // disposing its pipeline waits for a stop the dead process never acknowledges: close only
            // the runspace, on a thread of its own (pool threads blocked that way starved everything
            // else: stops took 100 s after a few killed workers).
            var runspace = Runspace;
            var process = _process;
            _ = ParkedThreads.Run(() => Close(null, runspace, process));
        }
        else
            Close(Loop, Runspace, _process);
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
