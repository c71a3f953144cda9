namespace ParallelTools.Engine.Download;

/// <summary>One file to download.</summary>
public sealed class DownloadRequest
{
    public required string Url { get; init; }

    /// <summary>Where to write it, relative to the destination; null to name it from the response or URL.</summary>
    public string? OutFile { get; init; }

    /// <summary>Hex SHA-256 the finished file must have, or null.</summary>
    public string? ExpectedSha256 { get; init; }

    /// <summary>Request headers; names are case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
