namespace ParallelTools.Engine.Scheduling;

/// <summary>
/// The objects one item writes while it runs (a scriptblock can write many), buffered until the
/// pipeline thread takes them. The buffer is bounded: a writer waits while it is full, so an item
/// that writes a million objects streams them instead of holding them all.
/// </summary>
/// <remarks>
/// One of these exists for every item in flight (thousands at once for the map cmdlets), and most
/// items write one object: so a plain queue made on first use, under a lock the writer and the
/// pipeline thread seldom contend for, rather than a concurrent queue and a semaphore for each.
/// </remarks>
public sealed class ItemOutputs
{
    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly Action _written;
    private readonly CancellationToken _cancellationToken;
    private Queue<object?>? _values;
    private TaskCompletionSource? _room;

    internal ItemOutputs(int capacity, Action written, CancellationToken cancellationToken)
    {
        _capacity = capacity;
        _written = written;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Adds one output, waiting while the buffer is full.</summary>
    public async ValueTask WriteAsync(object? value)
    {
        while (TryAdd(value) is { } room)
            await room.WaitAsync(_cancellationToken).ConfigureAwait(false);
        _written();
    }

    /// <summary>Adds one output from a thread that may block (event handlers, runspace threads).</summary>
    public void Write(object? value)
    {
        while (TryAdd(value) is { } room)
            room.Wait(_cancellationToken);
        _written();
    }

    // Null once the value is in; else a task that completes when the pipeline thread has made room.
    private Task? TryAdd(object? value)
    {
        lock (_gate)
        {
            _values ??= new Queue<object?>();
            if (_values.Count < _capacity)
            {
                _values.Enqueue(value);
                return null;
            }
            return (_room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    internal bool TryTake(out object? value)
    {
        TaskCompletionSource? room = null;
        lock (_gate)
        {
            if (_values is not { Count: > 0 } values)
            {
                value = null;
                return false;
            }
            value = values.Dequeue();
            // A waiting writer goes on once half the buffer is free: one wake-up per half buffer, not per object.
            if (_room is not null && values.Count <= _capacity / 2)
                (room, _room) = (_room, null);
        }
        room?.TrySetResult();
        return true;
    }
}
