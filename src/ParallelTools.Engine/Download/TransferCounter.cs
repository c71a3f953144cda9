namespace ParallelTools.Engine.Download;

/// <summary>Bytes written to disk by all downloads of a call, for progress; safe from any thread.</summary>
public sealed class TransferCounter
{
    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    internal void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);
}
