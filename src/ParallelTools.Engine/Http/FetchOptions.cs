namespace ParallelTools.Engine.Http;

/// <summary>Per-request behaviour of <see cref="Fetcher"/>.</summary>
public sealed class FetchOptions
{
    /// <summary>One attempt, headers and body, must finish within this time (waiting for a slot excluded).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Longest wait for the next piece of the body, so a stalled server cannot hang a request.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A larger body (after decompression) fails the request instead of filling memory.</summary>
    public long MaximumResponseBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Keep the body as bytes in <see cref="FetchResult.RawContent"/> instead of decoding it.</summary>
    public bool AsByteArray { get; init; }

    /// <summary>1.1 by default; 2.0 negotiates HTTP/2 on https and uses prior knowledge (h2c) on http.</summary>
    public Version HttpVersion { get; init; } = System.Net.HttpVersion.Version11;

    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    public RedirectPolicy Redirect { get; init; } = new();

    /// <summary>Most requests in flight to one origin, or null for no limit beyond the total.</summary>
    public int? PerHostLimit { get; init; }
}
