using ParallelTools.Engine.Scheduling;

namespace ParallelTools.Engine.Tests.Scheduling;

/// <summary>Work that writes many objects per item: order, streaming, bounded buffering.</summary>
[Collection(MeasuresProcessMemory.Name)]
public class StreamSchedulerOutputTests
{
    private static StreamScheduler<int, bool> Create(
        Func<int, ItemOutputs, CancellationToken, Task<bool>> work, int throttle = 4, bool unordered = false, int buffer = 1024) =>
        new(work, new SchedulerOptions { ThrottleLimit = throttle, Unordered = unordered, OutputBufferSize = buffer });

    [Fact]
    public void Ordered_OutputsComeInInputOrder_EachItemsBeforeItsOutcome()
    {
        var random = new Random(3);
        var delays = Enumerable.Range(0, 100).Select(_ => random.Next(0, 4)).ToArray();
        using var scheduler = Create(async (i, outputs, ct) =>
        {
            for (int k = 0; k < i % 5; k++)
            {
                await Task.Delay(delays[i], ct);
                await outputs.WriteAsync($"{i}.{k}");
            }
            return true;
        }, throttle: 8);
        var log = new List<string>();
        void Outcome(Outcome<int, bool> o) => log.Add($"done {o.Item}");
        void Output(int item, object? value) => log.Add((string)value!);

        for (int i = 0; i < 100; i++)
            scheduler.Submit(i, Outcome, Output);
        scheduler.Complete(Outcome, Output);

        var expected = Enumerable.Range(0, 100).SelectMany(i => Enumerable.Range(0, i % 5).Select(k => $"{i}.{k}").Append($"done {i}"));
        Assert.Equal(expected, log);
    }

    [Fact]
    public void Unordered_OutputsFlowFromWhicheverItemWritesThem()
    {
        using var release = new ManualResetEventSlim();
        using var scheduler = Create(async (i, outputs, ct) =>
        {
            await outputs.WriteAsync($"{i} first");
            if (i == 0) await Task.Run(() => release.Wait(ct), ct);
            await outputs.WriteAsync($"{i} last");
            return true;
        }, unordered: true);
        var log = new List<string>();
        void Outcome(Outcome<int, bool> o)
        {
            log.Add($"done {o.Item}");
            if (o.Item == 1) release.Set();
        }
        void Output(int item, object? value) => log.Add((string)value!);

        scheduler.Submit(0, Outcome, Output);
        scheduler.Submit(1, Outcome, Output);
        scheduler.Complete(Outcome, Output);

        Assert.True(log.IndexOf("done 1") < log.IndexOf("0 last"));
        Assert.True(log.IndexOf("1 last") < log.IndexOf("done 1"));
        Assert.Equal("done 0", log[^1]);
    }

    [Fact]
    public void AWriterWaits_WhileItsBufferIsFull()
    {
        const int capacity = 8;
        int written = 0, taken = 0, peakAhead = 0;
        using var scheduler = Create(async (i, outputs, ct) =>
        {
            for (int k = 0; k < 2000; k++)
            {
                await outputs.WriteAsync(k);
                int ahead = Interlocked.Increment(ref written) - Volatile.Read(ref taken);
                InterlockedMax(ref peakAhead, ahead);
            }
            return true;
        }, throttle: 1, buffer: capacity);
        var values = new List<int>();

        scheduler.Submit(0, _ => { }, (_, v) => { Interlocked.Increment(ref taken); values.Add((int)v!); if (values.Count % 100 == 0) Thread.Sleep(1); });
        scheduler.Complete(_ => { }, (_, v) => { Interlocked.Increment(ref taken); values.Add((int)v!); });

        Assert.Equal(Enumerable.Range(0, 2000), values);
        Assert.True(peakAhead <= capacity + 1, $"the writer got {peakAhead} objects ahead of the reader with a buffer of {capacity}");
    }

    [Fact]
    public void AMillionOutputsFromOneItem_StreamInBoundedMemory()
    {
        using var scheduler = Create((i, outputs, ct) => Task.Run(() =>
        {
            for (int k = 0; k < 1_000_000; k++)
                outputs.Write(new byte[64]);
            return true;
        }, ct), throttle: 1);
        long count = 0, peakGrowth = 0;
        GC.Collect();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        void Output(int item, object? value)
        {
            if (++count % 200_000 == 0)
                peakGrowth = Math.Max(peakGrowth, GC.GetTotalMemory(forceFullCollection: true) - before);
        }

        scheduler.Submit(0, _ => { }, Output);
        scheduler.Complete(_ => { }, Output);

        Assert.Equal(1_000_000, count);
        Assert.True(peakGrowth < 8 * 1024 * 1024, $"live memory grew by {peakGrowth:N0} bytes for 64 MB of outputs");
    }

    [Fact]
    public void Stopped_WritersAreReleased_AndEveryItemStillGetsOneOutcome()
    {
        using var scheduler = Create(async (i, outputs, ct) =>
        {
            for (int k = 0; ; k++)
                await outputs.WriteAsync(k); // stops only by cancellation of a full buffer's wait
        }, throttle: 3, buffer: 4);
        for (int i = 0; i < 5; i++)
            scheduler.Submit(i, _ => { }, (_, _) => { });

        var outcomes = new List<Outcome<int, bool>>();
        Assert.True(scheduler.Drain(outcomes.Add, TimeSpan.FromSeconds(10), (_, _) => { }));
        Assert.Equal([0, 1, 2, 3, 4], outcomes.Select(o => o.Item).Order());
        Assert.All(outcomes, o => Assert.IsAssignableFrom<OperationCanceledException>(o.Error));
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
