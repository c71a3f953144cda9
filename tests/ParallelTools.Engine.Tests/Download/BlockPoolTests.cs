using ParallelTools.Engine.Download;

namespace ParallelTools.Engine.Tests.Download;

public sealed class BlockPoolTests
{
    private const int Size = 64 * 1024;
    private const int BlockBytes = Size + DirectWrites.Alignment; // what one kept block holds

    private long _now = 1_000;

    private BlockPool NewPool(int maxKeptBlocks = 8) =>
        new(maxKeptBlocks * (long)BlockBytes, TimeSpan.FromSeconds(30), () => _now);

    [Fact]
    public void AReturnedBlock_IsRentedAgain_OnlyForTheSameSize()
    {
        var pool = NewPool();
        var block = pool.Rent(Size);
        pool.Return(block);
        Assert.Equal(BlockBytes, pool.KeptBytes);
        Assert.NotSame(block.Array, pool.Rent(Size * 2).Array);
        Assert.Same(block.Array, pool.Rent(Size).Array);
        Assert.Equal(0, pool.KeptBytes);
    }

    [Fact]
    public void BlocksReturnedBeyondTheCap_AreNotKept()
    {
        var pool = NewPool(maxKeptBlocks: 2);
        var blocks = Enumerable.Range(0, 3).Select(_ => pool.Rent(Size)).ToList();
        blocks.ForEach(pool.Return);
        Assert.Equal(2L * BlockBytes, pool.KeptBytes);
        var again = Enumerable.Range(0, 3).Select(_ => pool.Rent(Size).Array).ToList();
        Assert.Equal([true, true, false], blocks.Select(b => again.Any(a => ReferenceEquals(a, b.Array))));
    }

    [Fact]
    public void Trim_LetsKeptBlocksGo_OnlyOnceThePoolWasIdleLongEnough()
    {
        var pool = NewPool();
        var block = pool.Rent(Size);
        pool.Return(block);

        _now += 29_000;
        pool.Trim();
        Assert.Equal(BlockBytes, pool.KeptBytes); // in use 29 s ago: kept

        pool.Rent(Size * 2); // any use restarts the idle time
        _now += 29_000;
        pool.Trim();
        Assert.Equal(BlockBytes, pool.KeptBytes);

        _now += 1_000;
        pool.Trim();
        Assert.Equal(0, pool.KeptBytes);
        Assert.NotSame(block.Array, pool.Rent(Size).Array);
    }

    [Fact]
    public void KeptBlocks_AreLetGoByItself_AfterTheIdleTime()
    {
        var pool = new BlockPool(maxKeptBytes: BlockBytes, keepIdle: TimeSpan.FromMilliseconds(100));
        pool.Return(pool.Rent(Size));
        Assert.Equal(BlockBytes, pool.KeptBytes);
        for (int i = 0; i < 100 && pool.KeptBytes > 0; i++) // up to 10 s, for a 100 ms timer on a busy machine
            Thread.Sleep(100);
        Assert.Equal(0, pool.KeptBytes);
    }
}
