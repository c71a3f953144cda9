using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ParallelTools.Engine.Scheduling;

/// <summary>
/// Runs a stream of items through an asynchronous piece of work with bounded concurrency and hands
/// every outcome back on the thread that calls <see cref="Submit"/> and <see cref="Complete"/>
/// (in a cmdlet, the pipeline thread, the only one allowed to write output). Work may also write
/// any number of objects while it runs (<see cref="ItemOutputs"/>); they are handed back before the
/// item's outcome, in input order too unless unordered.
/// </summary>
/// <remarks>
/// The caller's thread is the only one that touches the delivery state (<c>_pending</c>,
/// <c>_undelivered</c>); workers only mark their entry done, queue it (unordered mode) and
/// signal <c>_changed</c>. Submitted items wait in the FIFO <c>_ready</c> until one of at most
/// ThrottleLimit runner loops takes them, so items start in input order: an early item is never
/// left waiting behind later ones that happened to reach a slot first. Every submitted item produces exactly one outcome: <see cref="Submit"/>
/// and <see cref="Complete"/> deliver them, and after a stop <see cref="Drain"/> delivers the rest.
/// The methods run once per item are compiled fully optimised from the first call
/// (AggressiveOptimization): a call of many items is otherwise run mostly in unoptimised code, the
/// runtime's tiering having caught up only after a few hundred milliseconds on two busy cores
/// (100,000 trivial items through Invoke-ThreadMap: 1.61-1.96 s before, 1.47-1.95 s after).
/// </remarks>
public sealed class StreamScheduler<TItem, TResult> : IDisposable
{
    private readonly Func<TItem, ItemOutputs, CancellationToken, Task<TResult>> _work;
    private readonly bool _unordered;
    private readonly object? _handOffGate;
    private readonly int _window;
    private readonly int _outputCapacity;
    private readonly bool _writesOutputs = true;
    private ItemOutputs? _noOutputs;
    private readonly int _throttleLimit;
    private readonly ConcurrentQueue<Entry> _ready = new();
    private int _runners;
    private readonly CancellationTokenSource _stop;
    private readonly ManualResetEventSlim _changed = new(false);
    private readonly Queue<Entry> _pending = new();
    private readonly ConcurrentQueue<Entry> _completed = new();
    private readonly ConcurrentQueue<Entry> _wroteOutput = new();
    private Entry? _awaited;
    private long _nextIndex;
    private int _undelivered;
    private int _active;
    private int _running;
    private bool _disposed;

    /// <summary>For work that produces one result per item.</summary>
    public StreamScheduler(
        Func<TItem, CancellationToken, Task<TResult>> work,
        SchedulerOptions options,
        CancellationToken cancellationToken = default)
        : this(WithoutOutputs(work), options, cancellationToken)
    {
        _writesOutputs = false;
    }

    /// <summary>For work that may also write objects while it runs.</summary>
    public StreamScheduler(
        Func<TItem, ItemOutputs, CancellationToken, Task<TResult>> work,
        SchedulerOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _work = work;
        _outputCapacity = options.OutputBufferSize;
        _unordered = options.Unordered;
        _handOffGate = options.HandOffInOrder ? new object() : null;
        _window = options.EffectiveWindow;
        _throttleLimit = options.ThrottleLimit;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Cancelled when the scheduler is stopped; the work receives it.</summary>
    public CancellationToken StopToken => _stop.Token;

    public bool IsStopped => _stop.IsCancellationRequested;

    /// <summary>Items submitted so far.</summary>
    public long Submitted => _nextIndex;

    /// <summary>Items submitted whose outcome has not been delivered yet (never more than the window).</summary>
    public int Undelivered => _undelivered;

    /// <summary>Items whose work is running right now (never more than the throttle limit).</summary>
    public int Running => Volatile.Read(ref _running);

    public int WindowSize => _window;

    /// <summary>
    /// Called on the caller's thread about every <see cref="HeartbeatInterval"/> while it waits, so it
    /// can report progress even when no outcome arrives.
    /// </summary>
    public Action? Heartbeat { get; set; }

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Starts one item. Waits while the window is full, delivering outcomes meanwhile, then delivers
    /// whatever is ready without waiting. Throws <see cref="OperationCanceledException"/> once stopped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Submit(TItem item, Action<Outcome<TItem, TResult>> deliver, Action<TItem, object?>? deliverOutput = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stop.Token.ThrowIfCancellationRequested();
        var sink = new Sink(deliver, deliverOutput);
        while (_undelivered >= _window)
            DeliverAvailable(sink, wait: true);

        var entry = new Entry(_nextIndex++, item);
        entry.Outputs = _writesOutputs
            ? new ItemOutputs(_outputCapacity, () => OutputWritten(entry), _stop.Token)
            : _noOutputs ??= new ItemOutputs(1, () => { }, _stop.Token);
        _undelivered++;
        if (!_unordered)
            _pending.Enqueue(entry);
        Interlocked.Increment(ref _active);
        _ready.Enqueue(entry);
        if (_stop.IsCancellationRequested)
            CancelWaiting(); // Stop may have emptied the queue just before this entry arrived
        else
            StartRunnerIfNeeded();

        DeliverAvailable(sink, wait: false);
    }

    /// <summary>Waits for every submitted item and delivers its outcome. Throws once stopped.</summary>
    public void Complete(Action<Outcome<TItem, TResult>> deliver, Action<TItem, object?>? deliverOutput = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sink = new Sink(deliver, deliverOutput);
        while (_undelivered > 0)
            DeliverAvailable(sink, wait: true);
    }

    /// <summary>Stops: no new item starts, running work sees its token cancelled. Safe from any thread.</summary>
    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        CancelWaiting();
    }

    /// <summary>
    /// After a stop, waits up to <paramref name="timeout"/> for running work to end and delivers the
    /// outcome of every item not delivered yet (cancelled items carry an
    /// <see cref="OperationCanceledException"/>). Returns false if some work did not end in time.
    /// </summary>
    public bool Drain(Action<Outcome<TItem, TResult>> deliver, TimeSpan timeout, Action<TItem, object?>? deliverOutput = null)
    {
        Stop();
        bool ended = WaitForWorkToEnd(timeout);
        DeliverReady(new Sink(deliver, deliverOutput));
        return ended && _undelivered == 0;
    }

    /// <summary>Stops and waits briefly for running work to observe the cancellation.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Stop();
        // Work that ignores its token may still hold the source; only dispose once it has ended.
        if (WaitForWorkToEnd(TimeSpan.FromSeconds(5)))
            _stop.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StartRunnerIfNeeded()
    {
        if (_ready.IsEmpty || !TryClaimRunner())
            return;
        // Work that only hands its item on (HandOffInOrder) starts right here: sending it to the
        // thread pool first cost more than the hand-over itself, once per item for the map cmdlets.
        if (_handOffGate is not null)
            _ = RunLoopAsync();
        else
            _ = Task.Run(RunLoopAsync);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryClaimRunner()
    {
        while (true)
        {
            int runners = Volatile.Read(ref _runners);
            if (runners >= _throttleLimit)
                return false;
            if (Interlocked.CompareExchange(ref _runners, runners + 1, runners) == runners)
                return true;
        }
    }

    // One of at most ThrottleLimit loops: runs waiting items, oldest first, until none is left.
    private async Task RunLoopAsync()
    {
        while (true)
        {
            while (TryStartNext(out var running))
                await running.ConfigureAwait(false);
            Interlocked.Decrement(ref _runners);
            // An item queued between the last look and the decrement may have seen no free runner.
            if (_ready.IsEmpty || !TryClaimRunner())
                return;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryStartNext(out Task running)
    {
        if (_handOffGate is null)
            return TryStart(out running);
        lock (_handOffGate)
            return TryStart(out running); // runs the work up to its first await, which hands the item on
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryStart(out Task running)
    {
        running = _ready.TryDequeue(out var entry) ? RunAsync(entry) : Task.CompletedTask;
        return entry is not null;
    }

    private async Task RunAsync(Entry entry)
    {
        try
        {
            Interlocked.Increment(ref _running);
            try
            {
                _stop.Token.ThrowIfCancellationRequested();
                entry.Result = await _work(entry.Item, entry.Outputs!, _stop.Token).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
        catch (Exception ex)
        {
            entry.Error = ex;
        }
        finally
        {
            Finish(entry);
        }
    }

    // After a stop, items that never started end at once, whatever the running work does.
    private void CancelWaiting()
    {
        while (_ready.TryDequeue(out var entry))
        {
            entry.Error = new OperationCanceledException(_stop.Token);
            Finish(entry);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Finish(Entry entry)
    {
        entry.Done = true;
        if (_unordered)
            _completed.Enqueue(entry);
        Interlocked.Decrement(ref _active);
        Changed(entry);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OutputWritten(Entry entry)
    {
        if (_unordered)
            _wroteOutput.Enqueue(entry);
        Changed(entry);
    }

    // In input order only the head's outputs and end let the caller deliver anything, so only they
    // wake it: one wake-up per run of finished items instead of one per item and output. The fence
    // pairs with the one in DeliverAvailable: either this sees the caller waiting for the entry, or
    // the caller sees what the entry did before it waits.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Changed(Entry entry)
    {
        if (!_unordered)
        {
            Interlocked.MemoryBarrier();
            if (!ReferenceEquals(Volatile.Read(ref _awaited), entry))
                return;
        }
        _changed.Set();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DeliverAvailable(Sink sink, bool wait)
    {
        while (true)
        {
            if (!_unordered)
            {
                Volatile.Write(ref _awaited, _pending.TryPeek(out var head) ? head : null);
                Interlocked.MemoryBarrier();
            }
            // Reset before looking, so a completion between the look and the wait still wakes us.
            _changed.Reset();
            if (DeliverReady(sink) > 0 || !wait)
                return;
            if (!_changed.Wait(HeartbeatInterval, _stop.Token))
                Heartbeat?.Invoke();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DeliverReady(Sink sink)
    {
        int delivered = 0;
        if (_unordered)
        {
            // Outputs in the order they were written, then each finished item after its own outputs.
            while (_wroteOutput.TryDequeue(out var writer))
            {
                if (writer.Outputs!.TryTake(out var value))
                {
                    delivered++;
                    sink.Output(writer.Item, value);
                }
            }
            while (_completed.TryDequeue(out var entry))
            {
                delivered += DeliverOutputs(entry, sink);
                delivered += DeliverOutcome(entry, sink);
            }
            return delivered;
        }

        while (_pending.TryPeek(out var head))
        {
            bool done = head.Done; // read before draining: outputs written before Done are then all visible
            delivered += DeliverOutputs(head, sink);
            if (!done)
                break;
            _pending.Dequeue();
            delivered += DeliverOutcome(head, sink);
        }
        return delivered;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DeliverOutputs(Entry entry, Sink sink)
    {
        int delivered = 0;
        while (entry.Outputs!.TryTake(out var value))
        {
            delivered++;
            sink.Output(entry.Item, value);
        }
        return delivered;
    }

    private int DeliverOutcome(Entry entry, Sink sink)
    {
        _undelivered--;
        sink.Deliver(new Outcome<TItem, TResult>(entry.Index, entry.Item, entry.Result, entry.Error));
        return 1;
    }

    private static Func<TItem, ItemOutputs, CancellationToken, Task<TResult>> WithoutOutputs(Func<TItem, CancellationToken, Task<TResult>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return (item, _, cancellationToken) => work(item, cancellationToken);
    }

    private bool WaitForWorkToEnd(TimeSpan timeout) =>
        SpinWait.SpinUntil(() => Volatile.Read(ref _active) == 0, timeout);

    private sealed class Entry(long index, TItem item)
    {
        public long Index { get; } = index;
        public TItem Item { get; } = item;
        public TResult? Result { get; set; }
        public Exception? Error { get; set; }
        public ItemOutputs? Outputs { get; set; }
        private volatile bool _done;
        public bool Done { get => _done; set => _done = value; }
    }

    private readonly record struct Sink(Action<Outcome<TItem, TResult>> Deliver, Action<TItem, object?>? DeliverOutput)
    {
        public void Output(TItem item, object? value) =>
            (DeliverOutput ?? throw new InvalidOperationException("Work wrote outputs, but no one takes them."))(item, value);
    }
}
