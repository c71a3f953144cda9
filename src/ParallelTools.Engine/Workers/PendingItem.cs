using ParallelTools.Engine.Scheduling;

namespace ParallelTools.Engine.Workers;

/// <summary>One item waiting for, or held by, a worker of a <see cref="WorkerPool"/>.</summary>
internal sealed class PendingItem(object? item, ItemOutputs outputs)
{
    // Continuations run on the thread that completes the item (a worker reporting its end): they
    // only record the outcome and hand the next item on, and a hop through the thread pool for
    // every item cost about a tenth of Invoke-ThreadMap's throughput on trivial items. Its result is
    // always true: the cmdlets hand this task to the scheduler as it is, with no async method around
    // it for every item.
    private readonly TaskCompletionSource<bool> _completion = new();

    public object? Item { get; } = item;
    public ItemOutputs Outputs { get; } = outputs;
    public int Attempts { get; set; } = 1;

    /// <summary>The last item of the batch it was sent in: its end frees room for another batch.</summary>
    public bool EndsBatch { get; set; }

    public bool TimedOut { get; set; }

    public Task<bool> Task => _completion.Task;

    /// <summary>The item's one outcome; later calls are ignored.</summary>
    public void Complete(Exception? error)
    {
        if (error is null)
            _completion.TrySetResult(true);
        else if (error is OperationCanceledException)
            _completion.TrySetCanceled();
        else
            _completion.TrySetException(error);
    }
}
