namespace ParallelTools.TestServer;

/// <summary>The fixed repeating ASCII pattern served by /bytes (byte i is Text[i % 36]).</summary>
public static class Pattern
{
    public const string Text = "abcdefghijklmnopqrstuvwxyz0123456789";
    public const int SliceSize = 64 * 1024;

    // One slice plus one period, so a full slice can start at any phase without copying.
    private static readonly byte[] Repeated = Build(SliceSize + Text.Length);

    /// <summary>The pattern bytes at [position, position + count), count at most <see cref="SliceSize"/>.</summary>
    public static ReadOnlyMemory<byte> Slice(long position, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, SliceSize);
        return Repeated.AsMemory((int)(position % Text.Length), count);
    }

    public static void Fill(Span<byte> destination, long position)
    {
        while (!destination.IsEmpty)
        {
            int n = Math.Min(destination.Length, SliceSize);
            Slice(position, n).Span.CopyTo(destination);
            destination = destination[n..];
            position += n;
        }
    }

    /// <summary>What /bytes?n=count returns.</summary>
    public static byte[] GetBytes(int count, long position = 0)
    {
        var bytes = new byte[count];
        Fill(bytes, position);
        return bytes;
    }

    /// <summary>Writes count pattern bytes in slices of at most sliceSize, optionally flushing after each.</summary>
    public static async Task WriteAsync(Stream body, long count, int sliceSize, bool flushEach, CancellationToken cancellationToken)
    {
        sliceSize = Math.Clamp(sliceSize, 1, SliceSize);
        for (long position = 0; position < count;)
        {
            int n = (int)Math.Min(sliceSize, count - position);
            await body.WriteAsync(Slice(position, n), cancellationToken);
            if (flushEach)
                await body.FlushAsync(cancellationToken);
            position += n;
        }
    }

    private static byte[] Build(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
            bytes[i] = (byte)Text[i % Text.Length];
        return bytes;
    }
}
