using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace ParallelTools.TestServer;

/// <summary>
/// The deterministic content of /file/{Name}?size={Size}&amp;version={Version}.
/// The file is a sequence of 1 KiB blocks; each block starts with a 16-byte ASCII header
/// "#{blockOffset:x10}:{Version % 1000:D3}\n" and continues with <see cref="Pattern"/> shifted by a
/// phase derived from (Name, Version). So every block says where it belongs (misplaced ranges are
/// detectable) and a different version differs in every block.
/// </summary>
public sealed record FileContent(string Name, long Size, int Version)
{
    public const long DefaultSize = 1024 * 1024;
    public const int DefaultVersion = 1;
    public const int BlockSize = 1024;
    public const int HeaderSize = 16;
    public const long MaxSize = 1L << 40;
    public const int MaxVersion = 100_000;

    private const long MaxCachedSize = 64L * 1024 * 1024;
    private const long CacheBudget = 512L * 1024 * 1024;
    private static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ConcurrentDictionary<FileContent, Lazy<byte[]>> BytesCache = new();
    private static readonly ConcurrentDictionary<FileContent, Lazy<string>> HashCache = new();
    private static long cachedBytes;

    public long Size { get; } = Size is >= 0 and <= MaxSize ? Size : throw new ArgumentOutOfRangeException(nameof(Size));
    public int Version { get; } = Version is >= 0 and <= MaxVersion ? Version : throw new ArgumentOutOfRangeException(nameof(Version));

    /// <summary>Strong entity tag including the quotes, e.g. "report.bin-1048576-1".</summary>
    public string ETag => $"\"{SafeName(Name)}-{Size}-{Version}\"";

    /// <summary>2024-01-01T00:00:00Z plus Version days.</summary>
    public DateTimeOffset LastModified => Epoch.AddDays(Version);

    public void Fill(Span<byte> destination, long position)
    {
        int phase = (int)((Fnv1a(Name) + (uint)Version) % Pattern.Text.Length);
        Span<byte> header = stackalloc byte[HeaderSize];
        while (!destination.IsEmpty)
        {
            int within = (int)(position % BlockSize);
            int n;
            if (within < HeaderSize)
            {
                long blockOffset = position - within;
                Utf8.TryWrite(header, CultureInfo.InvariantCulture, $"#{blockOffset:x10}:{Version % 1000:D3}\n", out _);
                n = Math.Min(HeaderSize - within, destination.Length);
                header.Slice(within, n).CopyTo(destination);
            }
            else
            {
                n = Math.Min(BlockSize - within, destination.Length);
                Pattern.Slice(position + phase, n).Span.CopyTo(destination);
            }
            destination = destination[n..];
            position += n;
        }
    }

    /// <summary>The whole content in a new array (Size must fit in an array).</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[checked((int)Size)];
        Fill(bytes, 0);
        return bytes;
    }

    /// <summary>A read-only seekable stream over the content; cached bytes up to 64 MiB, computed on the fly above.</summary>
    public Stream OpenRead()
    {
        if (Size > MaxCachedSize)
            return new FileContentStream(this);
        if (Interlocked.Read(ref cachedBytes) > CacheBudget)
        {
            BytesCache.Clear();
            Interlocked.Exchange(ref cachedBytes, 0);
        }
        var bytes = BytesCache.GetOrAdd(this, c => new Lazy<byte[]>(() =>
        {
            Interlocked.Add(ref cachedBytes, c.Size);
            return c.ToArray();
        })).Value;
        return new MemoryStream(bytes, writable: false);
    }

    /// <summary>Lowercase hex SHA-256 of the content (cached).</summary>
    public string Sha256() => HashCache.GetOrAdd(this, c => new Lazy<string>(c.ComputeSha256)).Value;

    private string ComputeSha256()
    {
        using var stream = OpenRead();
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string SafeName(string name) =>
        string.Create(name.Length, name, (span, source) =>
        {
            for (int i = 0; i < span.Length; i++)
                span[i] = char.IsAsciiLetterOrDigit(source[i]) || source[i] is '.' or '_' or '-' ? source[i] : '_';
        });

    // Stable across processes, unlike string.GetHashCode.
    private static uint Fnv1a(string text)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
            hash = (hash ^ b) * 16777619;
        return hash;
    }
}
