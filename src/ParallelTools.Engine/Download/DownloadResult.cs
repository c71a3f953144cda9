using ParallelTools.Engine.Http;

namespace ParallelTools.Engine.Download;

/// <summary>One finished (or skipped) download.</summary>
public sealed class DownloadResult : IHttpOutcome
{
    public required string Url { get; init; }

    /// <summary>The full path of the file; it is only ever reported once the file is complete and checked.</summary>
    public string? Path { get; init; }

    public long Length { get; init; }
    public int StatusCode { get; init; }
    public string? ReasonPhrase { get; init; }
    public TimeSpan Elapsed { get; init; }
    public int Attempts { get; init; } = 1;

    /// <summary>True when the download continued a kept .part instead of starting at byte 0.</summary>
    public bool Resumed { get; init; }

    /// <summary>Hex SHA-256 of the file when it was asked for or checked.</summary>
    public string? Sha256 { get; init; }

    public DownloadStatus Status { get; init; }

    public bool IsSuccessStatusCode => StatusCode is >= 200 and <= 299;

    /// <summary>An existing file left alone (-SkipExisting); attempts 0 when no request was sent.</summary>
    internal static DownloadResult Skipped(string url, string path, int statusCode = 0, int attempts = 0) => new()
    {
        Url = url, Path = path, Length = new FileInfo(path).Length, StatusCode = statusCode, Attempts = attempts, Status = DownloadStatus.Skipped,
    };

    string? IHttpOutcome.RetryAfter => RetryAfter;

    internal string? RetryAfter { get; init; }
}

public enum DownloadStatus
{
    Completed,
    Skipped,

    /// <summary>The server answered an error status; nothing was written.</summary>
    Failed,
}
