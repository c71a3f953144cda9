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

    private readonly object _readGate = new();
    private PSDataCollection<object>? _input;
    private IAsyncResult? _loopResult;
    private EventHandler<RunspaceStateEventArgs>? _runspaceEnded;

    protected WorkerSetup Setup => setup;
    protected Runspace? Runspace { get; set; }
    protected PowerShell? Loop { get; private set; }

    /// <summary>True once the worker is being closed or killed: its end is no death to report.</summary>
    protected volatile bool Closing;

    /// <summary>
    /// Takes on a running loop: its outputs and streams become this worker's reports, and its end (or
    /// its runspace's) a death unless the worker is closing.
    /// </summary>
    protected void Attach(ReadyLoop running)
    {
        var (runspace, loop, output) = (running.Runspace, running.Loop, running.Output);
        Runspace = runspace;
        Loop = loop;
        _input = running.Input;
        _loopResult = running.Result;
        _runspaceEnded = (_, e) =>
        {
            if (e.RunspaceStateInfo.State is RunspaceState.Broken or RunspaceState.Closed && !Closing)
                ReportDied(Describe(e.RunspaceStateInfo.Reason, "its runspace closed"));
        };
        runspace.StateChanged += _runspaceEnded;
        output.DataAdded += (_, _) => ReadOutputs(output);
        ForwardStreams(loop.Streams);
        loop.InvocationStateChanged += (_, e) =>
        {
            if (e.InvocationStateInfo.State is PSInvocationState.Failed or PSInvocationState.Stopped or PSInvocationState.Completed && !Closing)
                ReportDied(Describe(e.InvocationStateInfo.Reason, "its pipeline ended"));
        };
    }

    /// <summary>Lets go of the runspace, which outlives this worker when the next call reuses it.</summary>
    protected void DetachRunspace()
    {
        if (Runspace is { } runspace && _runspaceEnded is { } handler)
            runspace.StateChanged -= handler;
    }

    public override void Send(IReadOnlyList<object?> items) => _input!.Add(items.ToArray());

    /// <summary>A clean close: no more input ends the loop. False when it did not end in time.</summary>
    protected bool EndLoop(TimeSpan wait)
    {
        Closing = true;
        _input?.Complete();
        return _loopResult?.AsyncWaitHandle.WaitOne(wait) == true;
    }

    // The running item ended without error: what the marker says, for a loop that calls back instead.
    protected void EndItem()
    {
        lock (_readGate)
            ReportItemEnded(null);
    }

    /// <summary>
    /// Runs <see cref="WorkerScripts.Setup"/> on a PowerShell from <paramref name="create"/>: the
    /// variables, arguments, preferences, functions and modules. Returns the process id it reported.
    /// </summary>
    protected int RunSetup(Func<PowerShell> create)
    {
        var variables = setup.GlobalVariables().ToList();
        var names = variables.Select(v => v.Key).ToArray();
        var values = variables.Select(v => v.Value).Concat(setup.ArgumentList).ToList();
        var result = Invoke(create, ps =>
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

    /// <summary>Runs -InitializationScript, if any, in the global scope.</summary>
    protected void RunInitializationScript(Func<PowerShell> create)
    {
        if (!string.IsNullOrWhiteSpace(setup.InitializationScript))
            Invoke(create, ps => ps.AddScript(setup.InitializationScript, useLocalScope: false), "-InitializationScript");
    }

    private static List<PSObject> Invoke(Func<PowerShell> create, Action<PowerShell> build, string what)
    {
        using var ps = create();
        build(ps);
        var result = ps.Invoke().ToList();
        if (ps.HadErrors && ps.Streams.Error.Count > 0)
            throw new InvalidOperationException($"{what} failed in a worker: {ps.Streams.Error[0]}");
        return result;
    }

    private void ReadOutputs(PSDataCollection<PSObject> output)
    {
        // Handlers may overlap; outputs must be reported in the order the worker wrote them.
        lock (_readGate)
        {
            foreach (var value in output.ReadAll())
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

    /// <summary>Closes a loop pipeline, its runspace and (for a worker process) the process handle.</summary>
    internal static void Close(IDisposable? loop, IDisposable? runspace, IDisposable? process = null)
    {
        // Each on its own: a part that complains must not leave the next one open.
        DisposeQuietly(loop);
        DisposeQuietly(runspace);
        DisposeQuietly(process);
    }

    private static void DisposeQuietly(IDisposable? part)
    {
        try
        {
            part?.Dispose();
        }
        catch (Exception)
        {
            // A stopped pipeline, or a runspace whose process is gone, may complain while closing; there is nothing left to free.
        }
    }

    /// <summary>An input collection for a loop: it lets go of each batch once the loop has taken it.</summary>
    internal static PSDataCollection<object> NewInput()
    {
        var input = new PSDataCollection<object>();
        ReleaseOnEnumeration?.SetValue(input, true);
        return input;
    }

    protected static string Describe(Exception? reason, string fallback) =>
        reason is null ? fallback : $"{fallback}: {reason.Message}";
}
