using System.Management.Automation;
using System.Runtime.CompilerServices;
using ParallelTools.Engine.Scheduling;

namespace ParallelTools;

/// <summary>
/// The pipeline side every ParallelTools cmdlet shares: items from ProcessRecord go into a
/// <see cref="StreamScheduler{TItem, TResult}"/>, and outcomes come back and are written here, on the
/// pipeline thread, the only thread allowed to write.
/// </summary>
/// <remarks>
/// Three ways a run ends early, all of which stop the scheduler so in-flight work is cancelled:
/// Ctrl+C calls <see cref="StopProcessing"/> from another thread; a downstream
/// <c>Select-Object -First</c> makes our next write throw <see cref="PipelineStoppedException"/>
/// without calling StopProcessing; <c>-ErrorAction Stop</c> makes WriteError throw.
/// </remarks>
public abstract class ScheduledCmdlet<TItem, TResult> : PSCmdlet, IDisposable
{
    private StreamScheduler<TItem, TResult>? _scheduler;
    private ProgressReporter? _progress;
    private int? _throttleLimit;
    private int? _timeoutSec;
    private bool _inputEnded;
    private bool _completed;

    /// <summary>True once every item's outcome was written (the run was not stopped or broken off).</summary>
    protected bool Completed => _completed;

    /// <summary>Most items processed at once.</summary>
    [Parameter]
    [ValidateRange(1, 4096)]
    public int ThrottleLimit
    {
        get => _throttleLimit ?? DefaultThrottleLimit;
        set => _throttleLimit = value;
    }

    /// <summary>Write results in completion order instead of input order.</summary>
    [Parameter]
    public SwitchParameter Unordered { get; set; }

    /// <summary>Limit in seconds for one item (an HTTP cmdlet: one attempt); 0 for none.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int TimeoutSec
    {
        get => _timeoutSec ?? DefaultTimeoutSec;
        set => _timeoutSec = value;
    }

    /// <summary>Further tries of an item after a failure another try may cure.</summary>
    [Parameter]
    [ValidateRange(0, 100)]
    public int MaximumRetryCount { get; set; }

    protected abstract int DefaultThrottleLimit { get; }

    protected virtual int DefaultTimeoutSec => 0;

    /// <summary>True when the work writes objects while it runs (<see cref="RunItemAsync(TItem, ItemOutputs, CancellationToken)"/>).</summary>
    protected virtual bool WritesOutputs => false;

    /// <summary>The work for one item; it runs off the pipeline thread and must honour the token.</summary>
    protected virtual Task<TResult> RunItemAsync(TItem item, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Override one of the RunItemAsync methods.");

    /// <summary>The work for one item that writes objects as it runs (when <see cref="WritesOutputs"/>).</summary>
    protected virtual Task<TResult> RunItemAsync(TItem item, ItemOutputs outputs, CancellationToken cancellationToken) =>
        RunItemAsync(item, cancellationToken);

    /// <summary>Writes one outcome: an output object, or one error whose target is the item. Returns false for an error.</summary>
    protected abstract bool WriteOutcome(Outcome<TItem, TResult> outcome);

    /// <summary>Writes one object an item wrote while it ran.</summary>
    protected virtual void WriteItemOutput(TItem item, object? value) => WriteObject(value);

    protected virtual SchedulerOptions CreateSchedulerOptions() =>
        new() { ThrottleLimit = ThrottleLimit, Unordered = Unordered };

    /// <summary>Appended to the progress status (bytes and rate for downloads), given the seconds elapsed; null for nothing.</summary>
    protected virtual Func<double, string>? ProgressDetail => null;

    /// <summary>Releases what the cmdlet holds beyond the scheduler (workers, runspaces).</summary>
    protected virtual void ReleaseResources()
    {
    }

    protected override void BeginProcessing()
    {
        var options = CreateSchedulerOptions();
        _scheduler = WritesOutputs
            ? new StreamScheduler<TItem, TResult>((Func<TItem, ItemOutputs, CancellationToken, Task<TResult>>)RunItemAsync, options)
            : new StreamScheduler<TItem, TResult>((Func<TItem, CancellationToken, Task<TResult>>)RunItemAsync, options);
        bool showProgress = GetVariableValue("ProgressPreference") is not ActionPreference.SilentlyContinue;
        _progress = new ProgressReporter(this, MyInvocation.MyCommand.Name, showProgress) { Detail = ProgressDetail };
        _scheduler.Heartbeat = ReportProgress;
    }

    /// <summary>Hands one pipeline item to the scheduler, writing whatever outcomes are ready.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void Submit(TItem item) => WhileRunning(s => s.Submit(item, Deliver, DeliverOutput));

    protected override void EndProcessing()
    {
        _inputEnded = true;
        WhileRunning(s => s.Complete(Deliver, DeliverOutput));
        _completed = true;
        _progress?.Complete();
    }

    protected override void StopProcessing()
    {
        _scheduler?.Stop();
        StopWork();
    }

    /// <summary>Stops work the scheduler's token does not reach by itself (kills worker processes). Any thread.</summary>
    protected virtual void StopWork()
    {
    }

    public void Dispose()
    {
        if (!_completed)
        {
            // Stopped, or ended by an error: cancel and kill rather than wait for anything.
            _scheduler?.Stop();
            StopWork();
        }
        _scheduler?.Dispose();
        ReleaseResources();
        GC.SuppressFinalize(this);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WhileRunning(Action<StreamScheduler<TItem, TResult>> action)
    {
        var scheduler = _scheduler ?? throw new InvalidOperationException("BeginProcessing has not run.");
        try
        {
            action(scheduler);
        }
        catch (OperationCanceledException) when (scheduler.IsStopped)
        {
            throw new PipelineStoppedException();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Deliver(Outcome<TItem, TResult> outcome)
    {
        try
        {
            _progress!.Count(WriteOutcome(outcome));
            ReportProgress();
        }
        catch
        {
            // The pipeline is ending (Select-Object -First, -ErrorAction Stop, Ctrl+C): cancel the rest.
            _scheduler?.Stop();
            StopWork();
            throw;
        }
    }

    private void DeliverOutput(TItem item, object? value)
    {
        try
        {
            WriteItemOutput(item, value);
        }
        catch
        {
            _scheduler?.Stop();
            StopWork();
            throw;
        }
    }

    private void ReportProgress()
    {
        if (_scheduler is { IsStopped: false } s)
            _progress?.ReportIfDue(s.Running, _inputEnded ? s.Submitted : null);
    }
}
