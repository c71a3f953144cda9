using System.Net;
using System.Runtime.CompilerServices;

namespace ParallelTools.Engine.Http;

/// <summary>The response to one fetched URL.</summary>
public sealed class FetchResult : IHttpOutcome
{
    private byte[] _rawContent;
    private BodyPool? _pool;
    private readonly int _pooledLength;

    internal FetchResult(ReceivedBody body)
    {
        _rawContent = body.Buffer;
        _pooledLength = body.Length;
        _pool = body.Pool;
        Length = body.Length;
    }

    public required string Url { get; init; }
    public required string FinalUrl { get; init; }
    public required int StatusCode { get; init; }
    public string? ReasonPhrase { get; init; }
    public required Version HttpVersion { get; init; }
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    public string? ContentType { get; init; }

    private string? _content;

    /// <summary>
    /// The body decoded as text by the response charset (UTF-8 when none is given); null when bytes
    /// were asked for. Decoded on first use: a text copy of a large body is made only if read.
    /// </summary>
    public string? Content => AsText ? _content ??= TextDecoder.Decode(RawContent, Charset) : null;

    /// <summary>The raw body (after decompression).</summary>
    public byte[] RawContent
    {
        get
        {
            Detach();
            return _rawContent;
        }
    }

    /// <summary>
    /// Gives a body still in a pooled buffer an array of its own, and the buffer back to its pool.
    /// Called as the result is delivered, on the one thread that holds it then.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Detach()
    {
        if (_pool is not { } pool)
            return;
        byte[] buffer = _rawContent;
        _rawContent = GC.AllocateUninitializedArray<byte>(_pooledLength);
        buffer.AsSpan(0, _pooledLength).CopyTo(_rawContent);
        _pool = null;
        pool.Return(buffer);
    }

    /// <summary>The charset the response declared, if any.</summary>
    public string? Charset { get; init; }

    internal bool AsText { get; init; } = true;

    /// <summary>Bytes of body received (after decompression).</summary>
    public long Length { get; init; }

    public TimeSpan Elapsed { get; init; }
    public TimeSpan TimeToHeaders { get; init; }
    public int Attempts { get; init; } = 1;

    /// <summary>The parsed JSON body, when -AsJson asked for it.</summary>
    public object? Json { get; set; }

    public bool IsSuccessStatusCode => StatusCode is >= 200 and <= 299;

    public HttpStatusCode Status => (HttpStatusCode)StatusCode;

    string? IHttpOutcome.RetryAfter => Headers.TryGetValue("Retry-After", out var value) ? value : null;
}
