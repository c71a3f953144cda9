using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ParallelTools.Engine.Http;

/// <summary>
/// Buffers for mid-sized bodies while they are received and while they wait for their turn in input
/// order. Such a body, allocated as an array of its own, often outlives a gen0 collection and is then
/// copied into older generations, once or twice: measured at 64 KiB, that was most of the GC's work.
/// The pool's buffers are on the pinned object heap, which never copies, and are reused for the whole
/// call; a body gets an array of its own (<see cref="FetchResult.Detach"/>) only as it is delivered,
/// and that array dies young.
/// </summary>
internal sealed class BodyPool
{
    // Smaller bodies cost little to copy; from 85,000 bytes arrays go to the large object heap, which never copies.
    private const int MinimumLength = 8 * 1024;
    private const int LargeObjectLength = 85_000;
    private const int MaximumKept = 256; // per size: every body a full window holds at the default throttle limit

    private readonly ConcurrentStack<byte[]>[] _free = [new(), new(), new(), new(), new()]; // 8, 16, 32, 64, 128 KiB
    private readonly int[] _kept = new int[5];
    private readonly int[] _pinned = new int[5];

    public static bool Suits(long length) => length is >= MinimumLength and < LargeObjectLength;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte[] Rent(int length)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)length);
        int index = SizeIndex(size);
        if (_free[index].TryPop(out var buffer))
        {
            Interlocked.Decrement(ref _kept[index]);
            return buffer;
        }
        // Beyond what the pool keeps (a throttle limit over 64), a buffer would be dropped when given back.
        bool kept = Interlocked.Increment(ref _pinned[index]) <= MaximumKept;
        return GC.AllocateUninitializedArray<byte>(size, pinned: kept);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Return(byte[] buffer)
    {
        int index = SizeIndex(buffer.Length);
        if (Interlocked.Increment(ref _kept[index]) <= MaximumKept)
            _free[index].Push(buffer);
        else
            Interlocked.Decrement(ref _kept[index]);
    }

    private static int SizeIndex(int size) => BitOperations.Log2((uint)size) - 13;
}
