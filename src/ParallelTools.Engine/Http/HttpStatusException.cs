namespace ParallelTools.Engine.Http;

/// <summary>The server answered with an error status (4xx or 5xx), after any retries.</summary>
public sealed class HttpStatusException(string url, int statusCode, string? reasonPhrase, int attempts)
    : Exception($"{url}: the server answered {statusCode} ({reasonPhrase}){(attempts > 1 ? $" after {attempts} attempts" : "")}.")
{
    public HttpStatusException(FetchResult response)
        : this(response.Url, response.StatusCode, response.ReasonPhrase, response.Attempts)
    {
        Response = response;
    }

    /// <summary>The response, when it was read into memory (Invoke-AsyncFetch).</summary>
    public FetchResult? Response { get; }

    public int StatusCode { get; } = statusCode;
}
