using System.Collections.Concurrent;
using System.IO.Compression;

namespace ParallelTools.TestServer;

/// <summary>Gzip-compressed pattern bodies for /bytes?gzip=1, cached per size (the pattern compresses ~1000:1).</summary>
internal static class GzipPattern
{
    private const int MaxEntries = 256;
    private static readonly ConcurrentDictionary<long, Lazy<byte[]>> Cache = new();

    public static byte[] Get(long count)
    {
        if (Cache.Count > MaxEntries)
            Cache.Clear();
        return Cache.GetOrAdd(count, n => new Lazy<byte[]>(() => Compress(n))).Value;
    }

    private static byte[] Compress(long count)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            for (long position = 0; position < count;)
            {
                int n = (int)Math.Min(Pattern.SliceSize, count - position);
                gzip.Write(Pattern.Slice(position, n).Span);
                position += n;
            }
        }
        return output.ToArray();
    }
}
