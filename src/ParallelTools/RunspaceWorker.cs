using System.Management.Automation;
using System.Management.Automation.Runspaces;
using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>
/// A worker that is a runspace (in a pwsh process of its own, or in this one). One long-lived
/// pipeline runs <see cref="WorkerScripts.Loop"/>; batches go in through its input, outputs and end
/// markers come back through its output, other streams through their own collections.
/// </summary>
internal abstract class RunspaceWorker(WorkerSetup setup) : BatchWorker
{
    // The input collection otherwise keeps every batch sent for the whole call (1.7 GB for a million
    // items). PowerShell's own remoting sets this internal switch on its input collections.
    private static readonly System.Reflection.PropertyInfo? ReleaseOnEnumeration = typeof(PSDataCollection<object>)
        .GetProperty("ReleaseOnEnumeration", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);

    private readonly PSDataCollection<object> _input = NewInput();
    private readonly PSDataCollection<PSObject> _output = new();
    private readonly object _readGate = new();
    private IAsyncResult? _loopResult;

    protected WorkerSetup Setup => setup;
    protected Runspace? Runspace { get; private set; }
    protected PowerShell? Loop { get; private set; }

    /// <summary>True once the worker is being closed or killed: its end is no death to report.</summary>
    protected volatile bool Closing;

    /// <summary>Opens (or takes) the runspace the worker runs in.</summary>
    protected abstract Task<Runspace> OpenRunspaceAsync(CancellationToken cancellationToken);

    /// <summary>Called once the setup script ran, with the process id it reported.</summary>
    protected virtual void SetupRan(int processId)
    {
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Runspace = await OpenRunspaceAsync(cancellationToken).ConfigureAwait(false);
        // The setup blocks while scripts run: never on a pool thread, since dozens of workers setting
        // up at once on pool threads starved the pool (calls that take 1 s took up to 28 s). The pool
        // starts each worker on a thread of its own: when the runspace was ready at once (a kept
        // one), this still runs on that thread, and sets up here.
        if (!Thread.CurrentThread.IsThreadPoolThread)
        {
            SetUp();
            return;
        }
        await Task.Factory.StartNew(SetUp, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .ConfigureAwait(false);
    }

    private void SetUp()
    {
        var runspace = Runspace!;
        if (!SetStateDirectly())
            SetupRan(RunSetup());
        if (!string.IsNullOrWhiteSpace(setup.InitializationScript))
            Invoke(ps => ps.AddScript(setup.InitializationScript, useLocalScope: false), "-InitializationScript");

        runspace.StateChanged += (_, e) =>
        {
            if (e.RunspaceStateInfo.State is RunspaceState.Broken or RunspaceState.Closed && !Closing)
                ReportDied(Describe(e.RunspaceStateInfo.Reason, "its runspace closed"));
        };
        _output.DataAdded += (_, _) => ReadOutputs();
        var loop = PowerShell.Create();
        loop.Runspace = runspace;
        AddLoop(loop);
        ForwardStreams(loop.Streams);
        loop.InvocationStateChanged += (_, e) =>
        {
            if (e.InvocationStateInfo.State is PSInvocationState.Failed or PSInvocationState.Stopped or PSInvocationState.Completed && !Closing)
                ReportDied(Describe(e.InvocationStateInfo.Reason, "its pipeline ended"));
        };
        Loop = loop;
        _loopResult = loop.BeginInvoke(_input, _output);
    }

    public override void Send(IReadOnlyList<object?> items) => _input.Add(items.ToArray());

    /// <summary>A clean close: no more input ends the loop. False when it did not end in time.</summary>
    protected bool EndLoop(TimeSpan wait)
    {
        Closing = true;
        _input.Complete();
        return _loopResult?.AsyncWaitHandle.WaitOne(wait) == true;
    }

    /// <summary>True for a runspace of this process, which can take objects of this process by reference.</summary>
    protected virtual bool InThisProcess => false;

    /// <summary>
    /// Adds <see cref="WorkerScripts.Loop"/> with its arguments. A worker process gets it as text, to
    /// parse there. A runspace of this process gets the scriptblock itself (one compilation for all)
    /// and a callback for each item's end: a call costs less than the end marker's trip through the
    /// output collection and its event.
    /// </summary>
    private void AddLoop(PowerShell loop)
    {
        if (InThisProcess)
            loop.AddScript(WorkerScripts.LoopCaller).AddArgument(WorkerScripts.LoopBlock());
        else
            loop.AddScript(WorkerScripts.Loop);
        loop.AddArgument(setup.Marker).AddArgument(setup.Script.ScriptText).AddArgument(setup.AsProcessBlock);
        if (InThisProcess)
            loop.AddArgument((Action)EndItem);
    }

    // The running item ended without error: what the marker says, for a loop that calls back instead.
    private void EndItem()
    {
        lock (_readGate)
            ReportItemEnded(null);
    }

    /// <summary>
    /// Sets up the worker's state without running <see cref="WorkerScripts.Setup"/>, where that can be
    /// done; false when the setup script must run.
    /// </summary>
    protected virtual bool SetStateDirectly() => false;

    private int RunSetup()
    {
        var variables = setup.GlobalVariables().ToList();
        var names = variables.Select(v => v.Key).ToArray();
        var values = variables.Select(v => v.Value).Concat(setup.ArgumentList).ToList();
        var result = Invoke(ps =>
        {
            ps.AddScript(WorkerScripts.Setup)
                .AddParameter("Names", names)
                .AddParameter("ArgumentCount", setup.ArgumentList.Count)
                .AddParameter("Modules", setup.Modules.ToArray())
                .AddParameter("Preferences", setup.Preferences)
                .AddParameter("Functions", setup.Functions);
            foreach (var value in values)
                ps.AddArgument(value);
        }, "worker setup");
        return result.Count > 0 && int.TryParse(result[^1]?.ToString(), out int pid) ? pid : 0;
    }

    private List<PSObject> Invoke(Action<PowerShell> build, string what)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = Runspace;
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

    // Raised in the order the worker wrote them, interleaved with the output's events.
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

    private static PSDataCollection<object> NewInput()
    {
        var input = new PSDataCollection<object>();
        ReleaseOnEnumeration?.SetValue(input, true);
        return input;
    }

    protected static string Describe(Exception? reason, string fallback) =>
        reason is null ? fallback : $"{fallback}: {reason.Message}";
}
