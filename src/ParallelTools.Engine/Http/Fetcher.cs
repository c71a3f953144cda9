using System.Diagnostics;
using System.Net.Sockets;

namespace ParallelTools.Engine.Http;

/// <summary>Fetches one URL into a <see cref="FetchResult"/>.</summary>
public sealed class Fetcher(HttpClient client, FetchOptions options)
{
    public async Task<FetchResult> FetchAsync(string url, CancellationToken cancellationToken)
    {
        Uri uri = UrlParser.Parse(url);
        long started = Stopwatch.GetTimestamp();
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        whole.CancelAfter(options.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        try
        {
            using var response = await client
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, whole.Token)
                .ConfigureAwait(false);
            TimeSpan timeToHeaders = Stopwatch.GetElapsedTime(started);
            byte[] body = await BodyReader
                .ReadAsync(response.Content, options.MaximumResponseBytes, options.IdleTimeout, whole.Token)
                .ConfigureAwait(false);
            return new FetchResult
            {
                Url = url,
                FinalUrl = (response.RequestMessage?.RequestUri ?? uri).ToString(),
                StatusCode = (int)response.StatusCode,
                ReasonPhrase = response.ReasonPhrase,
                HttpVersion = response.Version,
                Headers = ResponseHeaders.Flatten(response),
                ContentType = response.Content.Headers.ContentType?.MediaType,
                Content = options.AsByteArray ? null : TextDecoder.Decode(body, response.Content.Headers.ContentType?.CharSet),
                RawContent = options.AsByteArray ? body : null,
                Length = body.LongLength,
                TimeToHeaders = timeToHeaders,
                Elapsed = Stopwatch.GetElapsedTime(started),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FetchException(url, FetchFailure.Timeout,
                $"the request did not finish within the timeout of {options.Timeout.TotalSeconds:0.###} s");
        }
        catch (TimeoutException ex)
        {
            throw new FetchException(url, FetchFailure.Timeout, ex.Message, ex);
        }
        catch (BodyTooLargeException ex)
        {
            throw new FetchException(url, FetchFailure.BodyTooLarge, ex.Message, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new FetchException(url, FetchFailure.Connection, Describe(ex), ex);
        }
        catch (IOException ex)
        {
            throw new FetchException(url, FetchFailure.Connection, $"the connection failed while reading the body ({ex.Message})", ex);
        }
    }

    private static string Describe(HttpRequestException ex) =>
        ex.InnerException is SocketException socket
            ? $"{ex.Message} ({socket.SocketErrorCode})"
            : ex.Message;
}
