namespace ParallelTools.Engine.Http;

/// <summary>What <see cref="Fetcher"/> does with the final response of each attempt.</summary>
public abstract class ResponseHandler<T>
    where T : IHttpOutcome
{
    /// <summary>Adjusts each request before it is sent (every attempt and redirect hop).</summary>
    public virtual void Prepare(HttpRequestMessage message)
    {
    }

    /// <summary>
    /// Reads the response. The token ends with the attempt's timeout; throw <see cref="TimeoutException"/>
    /// for an idle read, <see cref="IOException"/> for a broken connection (both retried where allowed).
    /// </summary>
    public abstract Task<T> HandleAsync(HttpExchange exchange, CancellationToken cancellationToken);
}

/// <summary>
/// The final response of one attempt, after redirects. <see cref="SendAgain"/> sends the same final
/// request once more, adjusted (a download's other byte ranges); the caller disposes the response.
/// </summary>
public sealed record HttpExchange(
    HttpResponseMessage Response, Uri FinalUri, string ShownUrl, int Attempt, long Started, TimeSpan TimeToHeaders,
    Func<Action<HttpRequestMessage>, CancellationToken, Task<HttpResponseMessage>> SendAgain);

/// <summary>What <see cref="Fetcher"/> needs of a handled response to decide on a retry.</summary>
public interface IHttpOutcome
{
    int StatusCode { get; }

    /// <summary>The Retry-After header as received, if any.</summary>
    string? RetryAfter { get; }
}
