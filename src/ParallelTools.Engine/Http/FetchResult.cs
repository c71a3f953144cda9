using System.Net;

namespace ParallelTools.Engine.Http;

/// <summary>The response to one fetched URL.</summary>
public sealed class FetchResult
{
    public required string Url { get; init; }
    public required string FinalUrl { get; init; }
    public required int StatusCode { get; init; }
    public string? ReasonPhrase { get; init; }
    public required Version HttpVersion { get; init; }
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    public string? ContentType { get; init; }

    /// <summary>The body decoded as text by the response charset (UTF-8 when none is given).</summary>
    public string? Content { get; init; }

    /// <summary>The raw body, when bytes were asked for instead of text.</summary>
    public byte[]? RawContent { get; init; }

    /// <summary>Bytes of body received (after decompression).</summary>
    public long Length { get; init; }

    public TimeSpan Elapsed { get; init; }
    public TimeSpan TimeToHeaders { get; init; }
    public int Attempts { get; init; } = 1;

    /// <summary>The parsed JSON body, when -AsJson asked for it.</summary>
    public object? Json { get; set; }

    public bool IsSuccessStatusCode => StatusCode is >= 200 and <= 299;

    public HttpStatusCode Status => (HttpStatusCode)StatusCode;
}
