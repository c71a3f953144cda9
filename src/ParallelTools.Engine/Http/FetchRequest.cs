namespace ParallelTools.Engine.Http;

/// <summary>One request to make: the URL as the user gave it, and what to send.</summary>
public sealed class FetchRequest
{
    public required string Url { get; init; }
    public HttpMethod Method { get; init; } = HttpMethod.Get;

    /// <summary>Request headers; names are case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The body, or null for none.</summary>
    public byte[]? Body { get; init; }

    /// <summary>The media type of <see cref="Body"/> (with its charset), when there is a body.</summary>
    public string? ContentType { get; init; }

    public static implicit operator FetchRequest(string url) => new() { Url = url };
}
