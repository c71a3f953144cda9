using ParallelTools.Engine.Workers;

namespace ParallelTools.Engine.Tests.Workers;

[Collection(UsesParkedThreads.Name)]
public class ParkedThreadsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void Run_RunsTheWorkOnABackgroundThreadOutsideThePool_AndEndsItsTaskWithIt()
    {
        Thread? ranOn = null;
        var task = ParkedThreads.Run(() => ranOn = Thread.CurrentThread);
        Assert.True(task.Wait(Patience));
        Assert.NotNull(ranOn);
        Assert.True(ranOn!.IsBackground);
        Assert.False(ranOn.IsThreadPoolThread);
    }

    [Fact]
    public void Run_AfterWorkEnded_TakesAParkedThreadInsteadOfStartingOne()
    {
        var first = new HashSet<Thread>(); // by reference: a new thread may reuse an ended one's id
        var firstRuns = Enumerable.Range(0, 4).Select(_ => ParkedThreads.Run(() =>
        {
            lock (first)
                first.Add(Thread.CurrentThread);
            Thread.Sleep(100); // all four at once: four threads
        })).ToArray();
        Assert.True(Task.WaitAll(firstRuns, Patience));

        Thread? second = null;
        Assert.True(ParkedThreads.Run(() => second = Thread.CurrentThread).Wait(Patience));
        Assert.Contains(second!, first);
    }

    [Fact]
    public void Run_GivesEachConcurrentWorkItsOwnThread()
    {
        // Eight works that each wait for all the others can only end if all eight run at once.
        using var barrier = new Barrier(8);
        var runs = Enumerable.Range(0, 8).Select(_ => ParkedThreads.Run(() => Assert.True(barrier.SignalAndWait(Patience)))).ToArray();
        Assert.True(Task.WaitAll(runs, Patience));
    }

    [Fact]
    public async Task Run_EndsTheTaskWithTheWorksException_AndTheThreadServesAgain()
    {
        Thread? failedOn = null;
        var failed = ParkedThreads.Run(() =>
        {
            failedOn = Thread.CurrentThread;
            throw new InvalidOperationException("boom");
        });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(Patience));
        Assert.Equal("boom", ex.Message);

        Thread? next = null;
        Assert.True(ParkedThreads.Run(() => next = Thread.CurrentThread).Wait(Patience));
        Assert.Same(failedOn, next);
    }

    [Fact]
    public async Task RunWithResult_GivesTheWorksResultOrException_OffThePool()
    {
        Assert.Equal(42, await ParkedThreads.Run(() => Thread.CurrentThread.IsThreadPoolThread ? -1 : 42).WaitAsync(Patience));

        var failed = ParkedThreads.Run<int>(() => throw new InvalidOperationException("boom"));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(Patience));
        Assert.Equal("boom", ex.Message);
    }
}
