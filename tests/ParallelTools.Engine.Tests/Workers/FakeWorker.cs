using System.Collections.Concurrent;
using ParallelTools.Engine.Workers;

namespace ParallelTools.Engine.Tests.Workers;

/// <summary>
/// A worker on its own thread. Item n (n &gt;= 0) writes n objects "n.k"; "hang" runs until killed;
/// "crash" kills the worker mid-item; "crash-once:K" crashes the first time key K runs;
/// "throw" ends with an error.
/// </summary>
internal sealed class FakeWorker : BatchWorker
{
    private readonly BlockingCollection<object?> _items = new();
    private readonly CancellationTokenSource _killed = new();
    private readonly FakeWorkerLog _log;
    private Thread? _thread;

    public FakeWorker(FakeWorkerLog log) => _log = log;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_log.FailStart)
            throw new InvalidOperationException("cannot start");
        _log.StartGate?.Wait(cancellationToken);
        _thread = new Thread(Run) { IsBackground = true };
        _thread.Start();
        return Task.CompletedTask;
    }

    public override void Send(IReadOnlyList<object?> items)
    {
        _log.Batches.Enqueue(items.Count);
        foreach (var item in items)
            _items.Add(item);
    }

    public override void Kill()
    {
        Interlocked.Increment(ref _log.Kills);
        _killed.Cancel();
    }

    public override void Dispose() => _killed.Cancel();

    private void Run()
    {
        try
        {
            foreach (var item in _items.GetConsumingEnumerable(_killed.Token))
            {
                switch (item)
                {
                    case int n:
                        for (int k = 0; k < n; k++)
                            ReportOutput($"{n}.{k}");
                        ReportItemEnded(null);
                        break;
                    case "hang":
                        _killed.Token.WaitHandle.WaitOne();
                        return;
                    case "crash":
                        ReportDied("exit code 137");
                        return;
                    case string s when s.StartsWith("crash-once:") && _log.Crashed.TryAdd(s, true):
                        ReportDied("exit code 137");
                        return;
                    case "throw":
                        ReportItemEnded(new InvalidOperationException("the script threw"));
                        break;
                    default:
                        ReportItemEnded(null);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

internal sealed class FakeWorkerLog
{
    public ConcurrentQueue<int> Batches { get; } = new();
    public ConcurrentDictionary<string, bool> Crashed { get; } = new();
    public int Kills;
    public bool FailStart { get; init; }

    /// <summary>When set, workers start only once it is signalled (so items can be queued first).</summary>
    public ManualResetEventSlim? StartGate { get; init; }
}
