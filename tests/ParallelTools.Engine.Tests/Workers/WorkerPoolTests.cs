using System.Diagnostics;
using ParallelTools.Engine.Scheduling;
using ParallelTools.Engine.Workers;

namespace ParallelTools.Engine.Tests.Workers;

[Collection(UsesParkedThreads.Name)]
public class WorkerPoolTests
{
    private sealed record Run(List<string> Log, List<Outcome<object?, bool>> Outcomes);

    /// <summary>Streams items through a scheduler into a pool of fake workers, as the cmdlets do.</summary>
    private static Run RunAll(IEnumerable<object?> items, WorkerPoolOptions options, FakeWorkerLog? log = null, bool unordered = false)
    {
        log ??= new FakeWorkerLog();
        using var pool = new WorkerPool(() => new FakeWorker(log), options);
        var schedulerOptions = new SchedulerOptions { ThrottleLimit = 1000, Unordered = unordered };
        using var scheduler = new StreamScheduler<object?, bool>(
            async (item, outputs, ct) => { await pool.RunAsync(item, outputs); return true; }, schedulerOptions);
        var run = new Run([], []);
        void Outcome(Outcome<object?, bool> o) { run.Outcomes.Add(o); run.Log.Add($"done {o.Item}"); }
        void Output(object? item, object? value) => run.Log.Add((string)value!);
        foreach (var item in items)
            scheduler.Submit(item, Outcome, Output);
        scheduler.Complete(Outcome, Output);
        return run;
    }

    [Fact]
    public void Items_RunOnWorkers_OutputsInInputOrder_OneOutcomeEach()
    {
        var items = Enumerable.Range(0, 300).Select(i => (object?)(i % 7)).ToList();
        var run = RunAll(items, new WorkerPoolOptions { WorkerCount = 3 });

        var expected = items.Cast<int>().SelectMany(n => Enumerable.Range(0, n).Select(k => $"{n}.{k}").Append($"done {n}"));
        Assert.Equal(expected, run.Log);
        Assert.All(run.Outcomes, o => Assert.True(o.Succeeded));
    }

    [Fact]
    public void AutomaticBatches_GrowWithTheBacklog()
    {
        // A backlog of 5000 waits before the workers start.
        var log = new FakeWorkerLog { StartGate = new ManualResetEventSlim(false) };
        using (var pool = new WorkerPool(() => new FakeWorker(log), new WorkerPoolOptions { WorkerCount = 2 }))
        {
            var items = Enumerable.Range(0, 5000).Select(_ => pool.RunAsync(0, NewOutputs())).ToArray();
            log.StartGate.Set();
            Assert.True(Task.WaitAll(items, TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(5000, log.Batches.Sum());
        Assert.True(log.Batches.Max() > 20, $"largest batch {log.Batches.Max()}: a backlog of 5000 should be batched");
        Assert.True(log.Batches.Max() <= 256);
    }

    [Fact]
    public async Task AutomaticBatches_AreSingleItems_WhenItemsArriveSlowly()
    {
        var log = new FakeWorkerLog();
        using var pool = new WorkerPool(() => new FakeWorker(log), new WorkerPoolOptions { WorkerCount = 2 });
        for (int i = 0; i < 10; i++)
            await pool.RunAsync(0, NewOutputs());
        Assert.All(log.Batches, size => Assert.Equal(1, size));
    }

    [Fact]
    public void AutomaticBatches_LeaveWorkForEveryWorker()
    {
        var log = new FakeWorkerLog();
        RunAll(Enumerable.Range(0, 8).Select(_ => (object?)0), new WorkerPoolOptions { WorkerCount = 2 }, log);
        Assert.All(log.Batches, size => Assert.Equal(1, size));
    }

    [Fact]
    public void FixedBatchSize_IsNeverExceeded()
    {
        // All items wait before the workers start, so every batch could be larger than 5.
        var log = new FakeWorkerLog { StartGate = new ManualResetEventSlim(false) };
        using (var pool = new WorkerPool(() => new FakeWorker(log), new WorkerPoolOptions { WorkerCount = 2, BatchSize = 5 }))
        {
            var items = Enumerable.Range(0, 500).Select(_ => pool.RunAsync(1, NewOutputs())).ToArray();
            log.StartGate.Set();
            Assert.True(Task.WaitAll(items, TimeSpan.FromSeconds(30)));
        }
        Assert.Equal(500, log.Batches.Sum());
        Assert.All(log.Batches, size => Assert.InRange(size, 1, 5));
        Assert.Contains(5, log.Batches);
    }

    [Fact]
    public void AThrowingItem_FailsAlone()
    {
        var run = RunAll([1, "throw", 2], new WorkerPoolOptions { WorkerCount = 2 });
        Assert.Equal(3, run.Outcomes.Count);
        Assert.Equal("the script threw", run.Outcomes[1].Error!.Message);
        Assert.True(run.Outcomes[0].Succeeded && run.Outcomes[2].Succeeded);
    }

    [Fact]
    public void AWorkerThatDies_FailsTheItemItRan_AndIsReplaced_WhileTheRestGoOn()
    {
        var log = new FakeWorkerLog();
        var items = Enumerable.Range(0, 50).Select(i => i == 10 || i == 30 ? "crash" : (object?)1).ToList();
        var run = RunAll(items, new WorkerPoolOptions { WorkerCount = 2, BatchSize = 4 }, log);

        Assert.Equal(50, run.Outcomes.Count);
        var failed = run.Outcomes.Where(o => !o.Succeeded).ToList();
        Assert.Equal(["crash", "crash"], failed.Select(o => o.Item));
        Assert.All(failed, o => Assert.IsType<WorkerDiedException>(o.Error));
        Assert.Contains("exit code 137", failed[0].Error!.Message);
    }

    [Fact]
    public void AnItemWhoseWorkerDied_IsRetried_WhenRetriesAreAllowed()
    {
        var log = new FakeWorkerLog();
        var run = RunAll([1, "crash-once:a", 2], new WorkerPoolOptions { WorkerCount = 1, MaximumRetryCount = 1 }, log);
        Assert.All(run.Outcomes, o => Assert.True(o.Succeeded));
        Assert.True(log.Crashed.ContainsKey("crash-once:a"));

        var noRetry = RunAll([1, "crash-once:b", 2], new WorkerPoolOptions { WorkerCount = 1 });
        Assert.IsType<WorkerDiedException>(noRetry.Outcomes[1].Error);
        Assert.True(noRetry.Outcomes[2].Succeeded);
    }

    [Fact]
    public void AnItemPastTheTimeout_FailsWithATimeout_ItsWorkerIsKilledAndReplaced()
    {
        var log = new FakeWorkerLog();
        var watch = Stopwatch.StartNew();
        var run = RunAll([1, "hang", 2, 3], new WorkerPoolOptions { WorkerCount = 1, ItemTimeout = TimeSpan.FromMilliseconds(300) }, log);

        Assert.IsType<ItemTimeoutException>(run.Outcomes[1].Error);
        Assert.True(run.Outcomes[0].Succeeded && run.Outcomes[2].Succeeded && run.Outcomes[3].Succeeded);
        Assert.True(log.Kills >= 1);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Stop_EndsHungItemsAtOnce_AndKillsTheWorkers()
    {
        var log = new FakeWorkerLog();
        using var pool = new WorkerPool(() => new FakeWorker(log), new WorkerPoolOptions { WorkerCount = 2 });
        var tasks = Enumerable.Range(0, 6).Select(_ => pool.RunAsync("hang", NewOutputs())).ToList();
        await Task.Delay(200);

        var watch = Stopwatch.StartNew();
        pool.Stop();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(tasks));
        Assert.All(tasks, t => Assert.True(t.IsCanceled));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
        Assert.True(log.Kills >= 2);
    }

    [Fact]
    public async Task WorkersThatCannotStart_FailEveryItemWithTheReason()
    {
        using var pool = new WorkerPool(() => new FakeWorker(new FakeWorkerLog { FailStart = true }), new WorkerPoolOptions { WorkerCount = 8 });
        var tasks = Enumerable.Range(0, 5).Select(i => pool.RunAsync(i, NewOutputs())).ToList();
        foreach (var task in tasks)
        {
            var error = await Assert.ThrowsAsync<WorkerStartException>(() => task);
            Assert.Contains("cannot start", error.Message);
        }
    }

    private static ItemOutputs NewOutputs() => new(16, () => { }, CancellationToken.None);
}
