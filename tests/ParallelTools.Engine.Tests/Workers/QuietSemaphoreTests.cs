using ParallelTools.Engine.Workers;

namespace ParallelTools.Engine.Tests.Workers;

public class QuietSemaphoreTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void Wait_TakesTheInitialCounts_ThenBlocksUntilARelease()
    {
        var semaphore = new QuietSemaphore(2);
        semaphore.Wait(CancellationToken.None);
        semaphore.Wait(CancellationToken.None);

        var third = Task.Factory.StartNew(() => semaphore.Wait(CancellationToken.None), TaskCreationOptions.LongRunning);
        Assert.False(third.Wait(TimeSpan.FromMilliseconds(200)));
        semaphore.Release();
        Assert.True(third.Wait(Patience));
    }

    [Fact]
    public void Release_LetsOneWaiterThroughPerCount()
    {
        var semaphore = new QuietSemaphore(0);
        int through = 0;
        var waiters = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            semaphore.Wait(CancellationToken.None);
            Interlocked.Increment(ref through);
        }, TaskCreationOptions.LongRunning)).ToArray();

        semaphore.Release();
        semaphore.Release();
        SpinWait.SpinUntil(() => Volatile.Read(ref through) == 2, Patience);
        Thread.Sleep(200);
        Assert.Equal(2, Volatile.Read(ref through));

        semaphore.Release();
        semaphore.Release();
        Assert.True(Task.WaitAll(waiters, Patience));
        Assert.Equal(4, through);
    }

    [Fact]
    public void Cancellation_EndsABlockedWait_AndAWaitAfterIt()
    {
        var semaphore = new QuietSemaphore(0);
        using var cancellation = new CancellationTokenSource();
        var blocked = Task.Factory.StartNew(() => semaphore.Wait(cancellation.Token), TaskCreationOptions.LongRunning);
        Assert.False(blocked.Wait(TimeSpan.FromMilliseconds(200)));

        cancellation.Cancel();
        var error = Assert.Throws<AggregateException>(() => blocked.Wait(Patience));
        Assert.IsAssignableFrom<OperationCanceledException>(error.InnerException);
        Assert.ThrowsAny<OperationCanceledException>(() => semaphore.Wait(cancellation.Token));
    }

    [Fact]
    public void Wait_WhenAlreadyCancelled_Throws_EvenWithACountLeft()
    {
        var semaphore = new QuietSemaphore(1);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => semaphore.Wait(cancellation.Token));
        semaphore.Wait(CancellationToken.None); // the count is still there
    }
}
