using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

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
            _ = Task.Factory.StartNew(() => Close(null, runspace, null), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
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
        await Task.Factory.StartNew(() => SetUp(runspace), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .ConfigureAwait(false);
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
        var loop = OnWorker();
        loop.AddScript(WorkerScripts.Loop).AddArgument(Setup.Marker).AddArgument(Setup.Script.ScriptText).AddArgument(Setup.AsProcessBlock);
        var input = NewInput();
        var output = new PSDataCollection<PSObject>();
        Attach(runspace, loop, input, output);
        Running(loop.BeginInvoke(input, output));
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
            _ = Task.Factory.StartNew(() => Close(null, runspace, process), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        else
            Close(Loop, Runspace, _process);
    }

    private static void Close(IDisposable? loop, Runspace? runspace, Process? process)
    {
        try
        {
            loop?.Dispose();
            runspace?.Dispose();
            process?.Dispose();
        }
        catch (Exception)
        {
            // A runspace whose process is gone may complain while closing; there is nothing left to free.
        }
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
