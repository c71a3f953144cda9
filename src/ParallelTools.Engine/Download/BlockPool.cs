using System.Collections.Concurrent;

namespace ParallelTools.Engine.Download;

/// <summary>
/// The blocks one call's downloads are read into and written from: pinned, so their address never
/// moves, and aligned to <see cref="DirectWrites.Alignment"/>, so a full block can be written directly
/// to disk. A block is reused by the call's next download of the same block size; there are never
/// more than two per download in flight, and all are freed with the call.
/// </summary>
internal sealed class BlockPool
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<ArraySegment<byte>>> _free = new();

    public ArraySegment<byte> Rent(int size)
    {
        if (_free.TryGetValue(size, out var free) && free.TryTake(out var block))
            return block;
        byte[] array = GC.AllocateUninitializedArray<byte>(size + DirectWrites.Alignment, pinned: true);
        return new ArraySegment<byte>(array, DirectWrites.BytesToAlignment(array), size);
    }

    public void Return(ArraySegment<byte> block) => _free.GetOrAdd(block.Count, _ => []).Add(block);
}
