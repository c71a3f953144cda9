using System.Diagnostics;

namespace ParallelTools.Engine.Http;

/// <summary>Reads the body into memory (with the cap and idle timeout) and makes a <see cref="FetchResult"/>.</summary>
internal sealed class MemoryResponseHandler(FetchOptions options, BodyPool bodies) : ResponseHandler<FetchResult>
{
    public override async Task<FetchResult> HandleAsync(HttpExchange exchange, CancellationToken cancellationToken)
    {
        var response = exchange.Response;
        var body = await BodyReader
            .ReadAsync(response.Content, options.MaximumResponseBytes, options.IdleTimeout, bodies, cancellationToken)
            .ConfigureAwait(false);
        return new FetchResult(body)
        {
            Url = exchange.ShownUrl,
            FinalUrl = UrlRedactor.Redact(exchange.FinalUri),
            StatusCode = (int)response.StatusCode,
            ReasonPhrase = response.ReasonPhrase,
            HttpVersion = response.Version,
            Headers = ResponseHeaders.Flatten(response),
            ContentType = response.Content.Headers.ContentType?.MediaType,
            Charset = response.Content.Headers.ContentType?.CharSet,
            AsText = !options.AsByteArray,
            TimeToHeaders = exchange.TimeToHeaders,
            Elapsed = Stopwatch.GetElapsedTime(exchange.Started),
            Attempts = exchange.Attempt,
        };
    }
}
