using System.Collections.Concurrent;
using System.Diagnostics;
using ParallelTools.Engine.Scheduling;

namespace ParallelTools.Engine.Workers;

/// <summary>
/// A fixed number of long-lived workers, each running items one after another. Items are sent in
/// batches to amortise the round trip: a fixed <see cref="WorkerPoolOptions.BatchSize"/>, or by
/// default a quarter of the backlog's even share per worker (one item at a time when items are
/// slow to arrive, larger batches when they pile up), like Pool.map's chunksize but decided as
/// items come.
/// </summary>
/// <remarks>
/// Each worker holds at most its running batch and one more, so a slow worker does not hoard items.
/// When a worker dies, the item it was running is retried (up to MaximumRetryCount) or fails, and
/// the items it had not started go back to the front of the queue; a new worker takes its place.
/// An item running past the timeout gets its worker killed and fails with a timeout.
/// </remarks>
public sealed class WorkerPool : IWorkerReports, IDisposable
{
    private static readonly TimeSpan WatchdogPeriod = TimeSpan.FromMilliseconds(100);
    private readonly Func<BatchWorker> _createWorker;
    private readonly WorkerPoolOptions _options;
    private readonly PendingQueue _queue = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _close;
    private readonly ConcurrentDictionary<BatchWorker, Slot> _slotOf = new();
    private readonly List<Slot> _slots = [];
    private readonly object _startGate = new();
    private Task[] _slotLoops = [];
    private Timer? _watchdog;
    private Exception? _failure;

    public WorkerPool(Func<BatchWorker> createWorker, WorkerPoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(createWorker);
        ArgumentNullException.ThrowIfNull(options);
        if (options.WorkerCount < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "WorkerCount must be at least 1.");
        _createWorker = createWorker;
        _options = options;
        _close = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
    }

    /// <summary>Starts the workers (in parallel) if they are not started yet. Items may be queued before they are up.</summary>
    public void Start()
    {
        lock (_startGate)
        {
            if (_slots.Count > 0)
                return;
            for (int i = 0; i < _options.WorkerCount; i++)
                _slots.Add(new Slot());
            // Threads of their own, waiting without the thread pool: PowerShell compiles hot script
            // loops in the background on the pool, and dispatch continuations queued behind dozens
            // of those left workers idle (2,000 items of 10 ms on 64 workers: stalls of 0.3 s).
            _slotLoops = _slots.Select(slot => ParkedThreads.Run(() => RunSlot(slot))).ToArray();
            if (_options.ItemTimeout is not null)
                _watchdog = new Timer(_ => CheckTimeouts(), null, WatchdogPeriod, WatchdogPeriod);
        }
    }

    /// <summary>
    /// Runs one item on some worker; completes (with true) when it ends. Objects it writes go to
    /// <paramref name="outputs"/>.
    /// </summary>
    public Task<bool> RunAsync(object? item, ItemOutputs outputs)
    {
        Start();
        if (_failure is not null)
            return Task.FromException<bool>(_failure);
        if (_stop.IsCancellationRequested)
            return Task.FromCanceled<bool>(_stop.Token);
        var pending = new PendingItem(item, outputs);
        _queue.Add(pending);
        if (_failure is not null || _stop.IsCancellationRequested)
            FailQueued(); // lost a race with a failure or a stop: nothing will take it
        return pending.Task;
    }

    /// <summary>Stops every worker at once; items not finished end as cancelled. Safe from any thread.</summary>
    public void Stop()
    {
        if (_stop.IsCancellationRequested)
            return;
        _stop.Cancel();
        _watchdog?.Dispose();
        foreach (var slot in SlotsSnapshot())
        {
            BatchWorker? worker;
            List<PendingItem> held;
            lock (slot)
            {
                slot.Dead = true;
                worker = slot.Worker;
                held = [.. slot.Assigned];
                slot.Assigned.Clear();
            }
            worker?.Kill();
            foreach (var item in held)
                item.Complete(new OperationCanceledException(_stop.Token));
        }
        FailQueued();
    }

    /// <summary>
    /// Closes the pool: after a <see cref="Stop"/> the killed workers are cleaned up; otherwise each
    /// worker is asked to finish and close (no item is running once every outcome was delivered).
    /// </summary>
    public void Dispose()
    {
        _close.Cancel();
        _watchdog?.Dispose();
        if (!Task.WaitAll(_slotLoops, TimeSpan.FromSeconds(10)))
            Stop();
        foreach (var worker in _slotOf.Keys)
            worker.Dispose();
        FailQueued();
    }

    private void RunSlot(Slot slot)
    {
        var stop = _close.Token;
        while (!stop.IsCancellationRequested)
        {
            BatchWorker worker;
            try
            {
                worker = _createWorker();
            }
            catch (Exception ex)
            {
                Fail(new WorkerStartException($"a worker could not be created: {ex.Message}", ex));
                return;
            }
            worker.Attach(this);
            slot.Begin(worker, _options.BatchesAhead, stop);
            _slotOf[worker] = slot;
            try
            {
                worker.StartAsync(stop).GetAwaiter().GetResult();
                Dispatch(slot, worker);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                // Once the pool is stopping (another worker failed to start first), a failure is no news.
                if (!stop.IsCancellationRequested)
                    Fail(new WorkerStartException($"a worker could not be started: {ex.Message}", ex));
            }
            finally
            {
                _slotOf.TryRemove(worker, out _);
                worker.Dispose();
            }
        }
    }

    private void Dispatch(Slot slot, BatchWorker worker)
    {
        var life = slot.Life!.Token;
        try
        {
            while (true)
            {
                slot.Room!.Wait(life);
                var batch = new List<PendingItem> { _queue.Take(life) };
                int limit = BatchLimit();
                while (batch.Count < limit && _queue.TryTake(out var next))
                    batch.Add(next!);
                foreach (var item in batch)
                    item.EndsBatch = false;
                batch[^1].EndsBatch = true;

                bool accepted;
                lock (slot)
                {
                    accepted = !slot.Dead && slot.Worker == worker;
                    if (accepted)
                    {
                        if (slot.Assigned.Count == 0)
                            slot.HeadStarted = Stopwatch.GetTimestamp();
                        foreach (var item in batch)
                            slot.Assigned.Enqueue(item);
                    }
                }
                if (!accepted)
                {
                    _queue.PutBack(batch);
                    return;
                }
                try
                {
                    worker.Send(batch.Select(p => p.Item).ToList());
                }
                catch (Exception ex)
                {
                    HandleDeath(slot, worker, $"sending to it failed: {ex.Message}");
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The worker died (its items were dealt with in HandleDeath) or the pool stopped.
        }
    }

    private int BatchLimit()
    {
        if (_options.BatchSize > 0)
            return _options.BatchSize;
        // Like Pool.map's chunksize: a quarter of an even share, so workers that start late or run
        // slow items still find work left to take.
        int share = (_queue.Count + 1) / (4 * _options.WorkerCount);
        return Math.Clamp(share, 1, _options.MaximumAutomaticBatch);
    }

    void IWorkerReports.Output(BatchWorker worker, object? value)
    {
        PendingItem? running = Running(worker);
        if (running is null)
            return;
        try
        {
            running.Outputs.Write(value);
        }
        catch (OperationCanceledException)
        {
        }
    }

    void IWorkerReports.ItemEnded(BatchWorker worker, Exception? error)
    {
        if (!_slotOf.TryGetValue(worker, out var slot))
            return;
        PendingItem ended;
        lock (slot)
        {
            if (slot.Dead || slot.Worker != worker || slot.Assigned.Count == 0)
                return;
            ended = slot.Assigned.Dequeue();
            slot.HeadStarted = Stopwatch.GetTimestamp();
        }
        if (ended.EndsBatch)
            slot.Room!.Release();
        ended.Complete(error);
    }

    void IWorkerReports.Died(BatchWorker worker, string reason)
    {
        if (_slotOf.TryGetValue(worker, out var slot))
            HandleDeath(slot, worker, reason);
    }

    private PendingItem? Running(BatchWorker worker)
    {
        if (!_slotOf.TryGetValue(worker, out var slot))
            return null;
        lock (slot)
            return !slot.Dead && slot.Worker == worker && slot.Assigned.Count > 0 ? slot.Assigned.Peek() : null;
    }

    private void HandleDeath(Slot slot, BatchWorker worker, string reason)
    {
        List<PendingItem> held;
        lock (slot)
        {
            if (slot.Dead || slot.Worker != worker)
                return;
            slot.Dead = true;
            held = [.. slot.Assigned];
            slot.Assigned.Clear();
        }
        slot.Life!.Cancel();
        worker.Kill();
        if (_stop.IsCancellationRequested)
        {
            foreach (var item in held)
                item.Complete(new OperationCanceledException(_stop.Token));
            return;
        }

        var requeue = held.Skip(1).ToList();
        if (held.Count > 0)
        {
            var running = held[0];
            if (running.TimedOut)
                running.Complete(new ItemTimeoutException(_options.ItemTimeout!.Value));
            else if (running.Attempts <= _options.MaximumRetryCount)
            {
                running.Attempts++;
                requeue.Insert(0, running);
            }
            else
                running.Complete(new WorkerDiedException(reason, running.Attempts));
        }
        _queue.PutBack(requeue);
    }

    private void CheckTimeouts()
    {
        long limit = (long)(_options.ItemTimeout!.Value.TotalSeconds * Stopwatch.Frequency);
        foreach (var slot in SlotsSnapshot())
        {
            BatchWorker? hung = null;
            lock (slot)
            {
                if (!slot.Dead && slot.Assigned.Count > 0 && Stopwatch.GetTimestamp() - slot.HeadStarted > limit)
                {
                    slot.Assigned.Peek().TimedOut = true;
                    hung = slot.Worker;
                }
            }
            if (hung is not null)
                HandleDeath(slot, hung, "timed out");
        }
    }

    private void Fail(Exception failure)
    {
        _failure ??= failure;
        FailQueued();
        Stop();
    }

    private void FailQueued()
    {
        foreach (var item in _queue.TakeAll())
        {
            if (_failure is not null)
                item.Complete(_failure);
            else
                item.Complete(new OperationCanceledException(_stop.Token));
        }
    }

    private List<Slot> SlotsSnapshot()
    {
        lock (_startGate)
            return [.. _slots];
    }

    /// <summary>One place in the pool: the worker in it now, and the items that worker holds.</summary>
    private sealed class Slot
    {
        public BatchWorker? Worker { get; private set; }
        public Queue<PendingItem> Assigned { get; } = new();
        public long HeadStarted { get; set; }
        public bool Dead { get; set; }
        public QuietSemaphore? Room { get; private set; }
        public CancellationTokenSource? Life { get; private set; }

        public void Begin(BatchWorker worker, int batchesAhead, CancellationToken stop)
        {
            lock (this)
            {
                Worker = worker;
                Dead = false;
                Assigned.Clear();
                Room = new QuietSemaphore(batchesAhead);
                Life = CancellationTokenSource.CreateLinkedTokenSource(stop);
            }
        }
    }
}
