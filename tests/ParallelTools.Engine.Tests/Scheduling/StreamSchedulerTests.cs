using System.Collections.Concurrent;
using System.Diagnostics;
using ParallelTools.Engine.Scheduling;

namespace ParallelTools.Engine.Tests.Scheduling;

[Collection(MeasuresProcessMemory.Name)]
public class StreamSchedulerTests
{
    private static StreamScheduler<int, int> Create(
        Func<int, CancellationToken, Task<int>> work, int throttle = 4, bool unordered = false, int? window = null) =>
        new(work, new SchedulerOptions { ThrottleLimit = throttle, Unordered = unordered, WindowSize = window });

    [Fact]
    public void Ordered_DeliversInInputOrder_WhateverTheCompletionOrder()
    {
        var random = new Random(1);
        var delays = Enumerable.Range(0, 200).Select(_ => random.Next(0, 5)).ToArray();
        using var scheduler = Create(async (i, ct) => { await Task.Delay(delays[i], ct); return i * i; }, throttle: 16);
        var seen = new List<Outcome<int, int>>();

        for (int i = 0; i < delays.Length; i++)
            scheduler.Submit(i, seen.Add);
        scheduler.Complete(seen.Add);

        Assert.Equal(Enumerable.Range(0, 200), seen.Select(o => o.Item));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), seen.Select(o => o.Index));
        Assert.All(seen, o => Assert.Equal(o.Item * o.Item, o.Result));
    }

    [Fact]
    public void Unordered_DeliversInCompletionOrder()
    {
        using var slowStarted = new ManualResetEventSlim();
        using var releaseSlow = new ManualResetEventSlim();
        using var fastDone = new CountdownEvent(9);
        using var scheduler = Create((i, ct) => Task.Run(() =>
        {
            if (i == 0) { slowStarted.Set(); releaseSlow.Wait(ct); }
            else fastDone.Signal();
            return i;
        }, ct), throttle: 4, unordered: true);
        var seen = new List<int>();

        scheduler.Submit(0, o => seen.Add(o.Item));
        Assert.True(slowStarted.Wait(TimeSpan.FromSeconds(10)));
        for (int i = 1; i < 10; i++)
            scheduler.Submit(i, o => seen.Add(o.Item));
        Assert.True(fastDone.Wait(TimeSpan.FromSeconds(10)));
        Thread.Sleep(200); // let the fast items finish queueing their outcomes
        releaseSlow.Set();
        scheduler.Complete(o => seen.Add(o.Item));

        Assert.Equal(10, seen.Count);
        Assert.Equal(0, seen[^1]);
        Assert.Equal(Enumerable.Range(0, 10), seen.Order());
    }

    [Fact]
    public void ThrottleLimit_BoundsTheWorkRunningAtOnce()
    {
        int running = 0, peak = 0;
        using var scheduler = Create(async (i, ct) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(2, ct);
            Interlocked.Decrement(ref running);
            return i;
        }, throttle: 5);
        int count = 0;

        for (int i = 0; i < 300; i++)
            scheduler.Submit(i, _ => count++);
        scheduler.Complete(_ => count++);

        Assert.Equal(300, count);
        Assert.True(peak <= 5, $"peak concurrency {peak} exceeded the limit 5");
        Assert.Equal(5, peak);
    }

    [Fact]
    public void Items_StartInInputOrder_SoAnEarlyItemNeverWaitsBehindLaterOnes()
    {
        // One at a time makes the start order fully visible: it must be the input order exactly.
        var started = new System.Collections.Concurrent.ConcurrentQueue<int>();
        using var scheduler = Create(async (i, ct) =>
        {
            started.Enqueue(i);
            await Task.Yield();
            return i;
        }, throttle: 1, unordered: true, window: 5000);

        for (int i = 0; i < 5000; i++)
            scheduler.Submit(i, _ => { });
        scheduler.Complete(_ => { });

        Assert.Equal(Enumerable.Range(0, 5000), started);
    }

    [Fact]
    public void HandOffInOrder_ItemsReachTheWorkInInputOrder_EvenWhenARunnerIsDelayed()
    {
        // A worker pool batches whatever its queue holds: an item handed on late waits behind every
        // item that overtook it. The runner holding item 0 is held up before it hands it on, for as
        // long as the others take to overtake it (2 s at most: without the ordering they need only
        // a thread, which the pool injects within about 0.5 s even when starved).
        var handedOff = new ConcurrentQueue<int>();
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var scheduler = new StreamScheduler<int, int>((i, ct) =>
        {
            if (i == 0)
                SpinWait.SpinUntil(() => handedOff.Count == 15, TimeSpan.FromSeconds(2));
            handedOff.Enqueue(i);
            return release.Task;
        }, new SchedulerOptions { ThrottleLimit = 16, HandOffInOrder = true });

        for (int i = 0; i < 16; i++)
            scheduler.Submit(i, _ => { });
        Assert.True(SpinWait.SpinUntil(() => handedOff.Count == 16, TimeSpan.FromSeconds(30)));
        release.SetResult(0);
        scheduler.Complete(_ => { });

        Assert.Equal(Enumerable.Range(0, 16), handedOff);
    }

    [Fact]
    public void FullWindow_PausesSubmitUntilTheHeadItemCompletes()
    {
        using var releaseHead = new ManualResetEventSlim();
        using var scheduler = Create((i, ct) => Task.Run(() =>
        {
            if (i == 0) releaseHead.Wait(ct);
            return i;
        }, ct), throttle: 2, window: 6);
        var delivered = new ConcurrentQueue<int>();
        long submittedBeforeRelease = -1;

        var producer = Task.Run(() =>
        {
            for (int i = 0; i < 50; i++)
                scheduler.Submit(i, o => delivered.Enqueue(o.Item));
            scheduler.Complete(o => delivered.Enqueue(o.Item));
        });

        // The producer can get six items ahead of the stuck head item, and no further.
        Assert.True(SpinWait.SpinUntil(() => scheduler.Submitted == 6, TimeSpan.FromSeconds(10)));
        Thread.Sleep(200);
        submittedBeforeRelease = scheduler.Submitted;
        Assert.Equal(6, submittedBeforeRelease);
        Assert.Empty(delivered);
        Assert.False(producer.IsCompleted);

        releaseHead.Set();
        Assert.True(producer.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(Enumerable.Range(0, 50), delivered);
    }

    [Fact]
    public void Outcomes_FlowWhileInputIsStillArriving()
    {
        using var scheduler = Create((i, ct) => Task.FromResult(i), throttle: 2);
        int deliveredDuringSubmit = 0;
        for (int i = 0; i < 100; i++)
        {
            scheduler.Submit(i, _ => deliveredDuringSubmit++);
            if (i % 10 == 9) Thread.Sleep(5);
        }
        int deliveredAtEnd = 0;
        scheduler.Complete(_ => deliveredAtEnd++);

        Assert.True(deliveredDuringSubmit > 50, $"only {deliveredDuringSubmit} outcomes were delivered while input arrived");
        Assert.Equal(100, deliveredDuringSubmit + deliveredAtEnd);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryItem_GetsExactlyOneOutcome_UnderRandomFailures(bool unordered)
    {
        const int count = 5000;
        using var scheduler = Create(async (i, ct) =>
        {
            int kind = (i * 7919) % 5;
            if (kind == 0) throw new InvalidOperationException($"item {i} failed");
            if (kind == 1) await Task.Yield();
            if (kind == 2) await Task.Delay(1, ct);
            if (kind == 3) throw new IOException($"item {i} failed late");
            return i;
        }, throttle: 8, unordered: unordered);
        var outcomes = new List<Outcome<int, int>>();

        for (int i = 0; i < count; i++)
            scheduler.Submit(i, outcomes.Add);
        scheduler.Complete(outcomes.Add);

        Assert.Equal(count, outcomes.Count);
        Assert.Equal(count, outcomes.Select(o => o.Index).Distinct().Count());
        foreach (var o in outcomes)
        {
            Assert.Equal(o.Index, o.Item);
            int kind = (o.Item * 7919) % 5;
            if (kind is 0 or 3)
                Assert.Contains($"item {o.Item} failed", o.Error!.Message);
            else
                Assert.True(o.Succeeded && o.Result == o.Item);
        }
    }

    [Fact]
    public void EveryItem_GetsExactlyOneOutcome_WhenStoppedAtRandomPoints()
    {
        var random = new Random(42);
        for (int round = 0; round < 40; round++)
        {
            int stopAfter = random.Next(0, 400);
            bool unordered = round % 2 == 1;
            using var scheduler = Create(async (i, ct) =>
            {
                await Task.Delay(i % 3, ct);
                if (i % 11 == 0) throw new InvalidOperationException("boom");
                return i;
            }, throttle: 1 + round % 7, unordered: unordered);
            var seen = new List<Outcome<int, int>>();
            int submitted = 0;

            try
            {
                for (int i = 0; i < 400; i++)
                {
                    if (i == stopAfter) scheduler.Stop();
                    scheduler.Submit(i, seen.Add);
                    submitted++;
                }
                scheduler.Complete(seen.Add);
            }
            catch (OperationCanceledException)
            {
            }
            Assert.True(scheduler.Drain(seen.Add, TimeSpan.FromSeconds(10)), "running work did not end after the stop");

            Assert.Equal(submitted, seen.Count);
            Assert.Equal(Enumerable.Range(0, submitted).Select(i => (long)i), seen.Select(o => o.Index).Order());
            Assert.All(seen, o => Assert.True(o.Succeeded || o.Error is OperationCanceledException or InvalidOperationException));
        }
    }

    [Fact]
    public void Stop_FromAnotherThread_EndsABlockedCompletePromptly_EvenIfWorkIgnoresIt()
    {
        using var never = new ManualResetEventSlim();
        using var scheduler = Create((i, ct) => Task.Run(() => { never.Wait(TimeSpan.FromSeconds(30)); return i; }), throttle: 2);
        scheduler.Submit(1, _ => { });
        scheduler.Submit(2, _ => { });
        var watch = Stopwatch.StartNew();

        _ = Task.Run(async () => { await Task.Delay(100); scheduler.Stop(); });
        Assert.Throws<OperationCanceledException>(() => scheduler.Complete(_ => { }));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Complete took {watch.Elapsed} to notice the stop");
        never.Set();
    }

    [Fact]
    public void Stop_CancelsTheTokenThatRunningWorkSees()
    {
        using var started = new CountdownEvent(3);
        using var scheduler = Create(async (i, ct) =>
        {
            started.Signal();
            await Task.Delay(Timeout.Infinite, ct);
            return i;
        }, throttle: 3);
        for (int i = 0; i < 3; i++)
            scheduler.Submit(i, _ => { });
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));

        var seen = new List<Outcome<int, int>>();
        Assert.True(scheduler.Drain(seen.Add, TimeSpan.FromSeconds(10)));

        Assert.Equal(3, seen.Count);
        Assert.All(seen, o => Assert.IsAssignableFrom<OperationCanceledException>(o.Error));
        Assert.Throws<OperationCanceledException>(() => scheduler.Submit(9, _ => { }));
    }

    [Fact]
    public void SynchronousThrowFromWork_BecomesThatItemsError()
    {
        using var scheduler = Create((i, ct) => i == 1 ? throw new ArgumentException("bad item") : Task.FromResult(i));
        var seen = new List<Outcome<int, int>>();
        for (int i = 0; i < 3; i++)
            scheduler.Submit(i, seen.Add);
        scheduler.Complete(seen.Add);

        Assert.Equal([0, 1, 2], seen.Select(o => o.Item));
        Assert.IsType<ArgumentException>(seen[1].Error);
        Assert.True(seen[0].Succeeded && seen[2].Succeeded);
    }

    [Fact]
    public void AMillionItems_StreamThroughInBoundedMemory()
    {
        const int count = 1_000_000;
        using var scheduler = Create((i, ct) => Task.FromResult(i), throttle: 8);
        long delivered = 0, nextExpected = 0, peakUndelivered = 0;
        void Deliver(Outcome<int, int> o)
        {
            Assert.Equal(nextExpected++, o.Index);
            delivered++;
        }

        GC.Collect();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        long peakGrowth = 0;
        for (int i = 0; i < count; i++)
        {
            scheduler.Submit(i, Deliver);
            peakUndelivered = Math.Max(peakUndelivered, scheduler.Undelivered);
            if (i % 100_000 == 0)
                peakGrowth = Math.Max(peakGrowth, GC.GetTotalMemory(forceFullCollection: true) - before);
        }
        scheduler.Complete(Deliver);

        Assert.Equal(count, delivered);
        Assert.True(peakUndelivered <= scheduler.WindowSize, $"{peakUndelivered} undelivered exceeds the window {scheduler.WindowSize}");
        Assert.True(peakGrowth < 16 * 1024 * 1024, $"live memory grew by {peakGrowth:N0} bytes");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void ThrottleLimitBelowOne_IsRejected(int throttle)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Create((i, ct) => Task.FromResult(i), throttle: throttle));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) &&
               Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
