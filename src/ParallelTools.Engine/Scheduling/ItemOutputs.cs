using System.Collections.Concurrent;

namespace ParallelTools.Engine.Scheduling;

/// <summary>
/// The objects one item writes while it runs (a scriptblock can write many), buffered until the
/// pipeline thread takes them. The buffer is bounded: a writer waits while it is full, so an item
/// that writes a million objects streams them instead of holding them all.
/// </summary>
public sealed class ItemOutputs
{
    private readonly ConcurrentQueue<object?> _values = new();
    private readonly SemaphoreSlim _space;
    private readonly Action _written;
    private readonly CancellationToken _cancellationToken;

    internal ItemOutputs(int capacity, Action written, CancellationToken cancellationToken)
    {
        _space = new SemaphoreSlim(capacity, capacity);
        _written = written;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Adds one output, waiting while the buffer is full.</summary>
    public async ValueTask WriteAsync(object? value)
    {
        await _space.WaitAsync(_cancellationToken).ConfigureAwait(false);
        _values.Enqueue(value);
        _written();
    }

    /// <summary>Adds one output from a thread that may block (event handlers, runspace threads).</summary>
    public void Write(object? value)
    {
        _space.Wait(_cancellationToken);
        _values.Enqueue(value);
        _written();
    }

    internal bool TryTake(out object? value)
    {
        if (!_values.TryDequeue(out value))
            return false;
        _space.Release();
        return true;
    }
}
