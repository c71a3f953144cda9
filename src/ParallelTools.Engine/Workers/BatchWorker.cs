namespace ParallelTools.Engine.Workers;

/// <summary>
/// One worker of a <see cref="WorkerPool"/> (a pwsh process, a runspace): the transport only. It
/// runs the items of each batch in order and reports, for the item it is running, each object it
/// writes, then its end; or that it died. The pool decides what to send and what each report means.
/// </summary>
public abstract class BatchWorker : IDisposable
{
    private IWorkerReports? _reports;

    internal void Attach(IWorkerReports reports) => _reports = reports;

    /// <summary>Starts the worker; the pool sends nothing before this completes.</summary>
    public abstract Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Queues items to run in order after those already sent. Must not block.</summary>
    public abstract void Send(IReadOnlyList<object?> items);

    /// <summary>Ends the worker at once (a hung or timed-out item); it must not block.</summary>
    public abstract void Kill();

    public abstract void Dispose();

    /// <summary>The running item wrote an object (may block: that is the backpressure).</summary>
    protected void ReportOutput(object? value) => _reports?.Output(this, value);

    /// <summary>The running item ended; <paramref name="error"/> is why it failed, or null.</summary>
    protected void ReportItemEnded(Exception? error) => _reports?.ItemEnded(this, error);

    /// <summary>The worker can run nothing more (its process exited, its runspace broke).</summary>
    protected void ReportDied(string reason) => _reports?.Died(this, reason);
}

internal interface IWorkerReports
{
    void Output(BatchWorker worker, object? value);
    void ItemEnded(BatchWorker worker, Exception? error);
    void Died(BatchWorker worker, string reason);
}
