namespace ParallelTools.Engine.Workers;

/// <summary>
/// A counting semaphore whose waits block at once, without spinning first. A dispatcher waits for
/// room in its worker for as long as a whole batch runs; SemaphoreSlim spun (yielding) at the start
/// of every such wait, with dozens of dispatchers on few cores.
/// </summary>
internal sealed class QuietSemaphore(int initialCount)
{
    private readonly object _gate = new();
    private int _count = initialCount;

    /// <summary>Takes one count, waiting for it if there is none; cancelled, throws as SemaphoreSlim does.</summary>
    public void Wait(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            while (_count == 0)
            {
                // Registered before the check: a cancellation just after it must still wake this wait.
                var registration = cancellationToken.UnsafeRegister(static s => ((QuietSemaphore)s!).WakeAll(), this);
                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Monitor.Wait(_gate);
                }
                finally
                {
                    // Not Dispose: that waits for a running callback, which may be waiting for this lock.
                    registration.Unregister();
                }
            }
            _count--;
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _count++;
            Monitor.Pulse(_gate);
        }
    }

    private void WakeAll()
    {
        lock (_gate)
            Monitor.PulseAll(_gate);
    }
}
