using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>
/// A worker that is a pwsh process, driven over PowerShell's out-of-process remoting (the
/// mechanism behind Start-Job). One long-lived pipeline runs <see cref="WorkerScripts.Loop"/>;
/// batches go in through its input, outputs and end markers come back through its output.
/// </summary>
internal sealed class ProcessWorker(WorkerSetup setup) : BatchWorker
{
    private readonly PSDataCollection<object> _input = new();
    private readonly PSDataCollection<PSObject> _output = new();
    private readonly object _readGate = new();
    private Runspace? _runspace;
    private PowerShell? _loop;
    private int _processId;
    private Process? _process;
    private volatile bool _closing;
    private volatile bool _killed;
    private IAsyncResult? _loopResult;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(Kill))
            _runspace = await WarmWorkers.TakeOrOpenAsync(cancellationToken).ConfigureAwait(false);
        if (_killed)
            throw new OperationCanceledException("The worker was stopped while it started.");
        _processId = RunSetup();
        if (_killed)
        {
            KillProcess(); // Kill() ran before the process id was known
            throw new OperationCanceledException("The worker was stopped while it started.");
        }
        WatchProcess();
        if (!string.IsNullOrWhiteSpace(setup.InitializationScript))
            Invoke(ps => ps.AddScript(setup.InitializationScript, useLocalScope: false), "-InitializationScript");

        _runspace.StateChanged += (_, e) =>
        {
            if (e.RunspaceStateInfo.State is RunspaceState.Broken or RunspaceState.Closed && !_closing)
                ReportDied(Describe(e.RunspaceStateInfo.Reason, "its process ended"));
        };
        _output.DataAdded += (_, _) => ReadOutputs();
        _loop = PowerShell.Create();
        _loop.Runspace = _runspace;
        _loop.AddScript(WorkerScripts.Loop).AddArgument(setup.Marker).AddArgument(setup.Script.ScriptText);
        ForwardStreams(_loop.Streams);
        _loop.InvocationStateChanged += (_, e) =>
        {
            if (e.InvocationStateInfo.State is PSInvocationState.Failed or PSInvocationState.Stopped or PSInvocationState.Completed && !_closing)
                ReportDied(Describe(e.InvocationStateInfo.Reason, "its pipeline ended"));
        };
        _loopResult = _loop.BeginInvoke(_input, _output);
    }

    public override void Send(IReadOnlyList<object?> items) => _input.Add(items.ToArray());

    /// <summary>Never blocks: a worker still opening is ended by <see cref="StartAsync"/> once it can be.</summary>
    public override void Kill()
    {
        _closing = true;
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
        _closing = true;
        if (!_killed)
        {
            // A clean close: no more input ends the worker's loop, then closing the runspace ends the process.
            _input.Complete();
            if (_loopResult?.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(2)) != true)
                Kill();
        }
        if (_killed)
        {
            // Closing a runspace whose process was killed waits for an answer that never comes: the
            // process is already gone, so let that happen off this thread.
            // Only the runspace: disposing the pipeline would wait for a stop the dead process never acknowledges.
            var runspace = _runspace;
            var process = _process;
            // On a thread of its own: the close can block for many seconds, and pool threads blocked that
            // way starve everything else (seen: stops that took 100 s after a few killed workers).
            _ = Task.Factory.StartNew(() => Close(null, runspace, process), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        else
            Close(_loop, _runspace, _process);
    }

    private static void Close(PowerShell? loop, Runspace? runspace, Process? process)
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
                if (!_closing)
                    ReportDied("its process exited");
            };
            if (_process.HasExited && !_closing)
                ReportDied("its process exited");
        }
        catch (ArgumentException)
        {
            ReportDied("its process exited during setup");
        }
    }

    private int RunSetup()
    {
        var values = setup.Script.Values.Concat(setup.ArgumentList).ToList();
        var result = Invoke(ps =>
        {
            ps.AddScript(WorkerScripts.Setup)
                .AddParameter("Names", setup.Script.Names.ToArray())
                .AddParameter("ArgumentCount", setup.ArgumentList.Count)
                .AddParameter("Modules", setup.Modules.ToArray())
                .AddParameter("Preferences", setup.Preferences);
            foreach (var value in values)
                ps.AddArgument(value);
        }, "worker setup");
        return result.Count > 0 && int.TryParse(result[^1]?.ToString(), out int pid) ? pid : 0;
    }

    private List<PSObject> Invoke(Action<PowerShell> build, string what)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        build(ps);
        var result = ps.Invoke().ToList();
        if (ps.HadErrors && ps.Streams.Error.Count > 0)
            throw new InvalidOperationException($"{what} failed in a worker: {ps.Streams.Error[0]}");
        return result;
    }

    private void ReadOutputs()
    {
        // Handlers may overlap; outputs must be reported in the order the worker wrote them.
        lock (_readGate)
        {
            foreach (var value in _output.ReadAll())
            {
                if (value?.BaseObject is string text && text == setup.Marker)
                    ReportItemEnded(null);
                else if (value is not null && WorkerRecord.FromEnvelope(value, setup.Marker) is { } record)
                {
                    if (record.Kind == "Failed")
                        ReportItemEnded(new WorkerScriptException(record.Message, record.ErrorId, record.Category, record.Tags.FirstOrDefault() ?? ""));
                    else
                        ReportOutput(record);
                }
                else
                    ReportOutput(value);
            }
        }
    }

    private void ForwardStreams(PSDataStreams streams)
    {
        Forward(streams.Error, r => new WorkerRecord("Error", r.ToString(), r.FullyQualifiedErrorId, r.CategoryInfo.Category, []));
        Forward(streams.Warning, r => new WorkerRecord("Warning", r.Message, "", 0, []));
        Forward(streams.Verbose, r => new WorkerRecord("Verbose", r.Message, "", 0, []));
        Forward(streams.Debug, r => new WorkerRecord("Debug", r.Message, "", 0, []));
        Forward(streams.Information, r => new WorkerRecord("Information", r.MessageData?.ToString() ?? "", "", 0, [.. r.Tags]));
    }

    // Remoting raises these in the order the worker wrote them, interleaved with the output's events.
    private void Forward<T>(PSDataCollection<T> stream, Func<T, WorkerRecord> toRecord)
    {
        stream.DataAdded += (_, _) =>
        {
            lock (_readGate)
            {
                foreach (var record in stream.ReadAll())
                    ReportOutput(toRecord(record));
            }
        };
    }

    private static string Describe(Exception? reason, string fallback) =>
        reason is null ? fallback : $"{fallback}: {reason.Message}";
}
