using System.Collections.Concurrent;

namespace ParallelTools.TestServer;

/// <summary>Maps every test endpoint; handlers live in the Endpoints.*.cs partial files.</summary>
internal static partial class Endpoints
{
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    private const string Index = """
        ParallelTools test server (deterministic; query parameters in brackets are optional)
        GET  /bytes[?n=1024][&chunked=1][&gzip=1][&text=1]     n pattern bytes (abcdefghijklmnopqrstuvwxyz0123456789...)
        GET  /delay[?ms=1000][&n=16]                           wait ms before the headers, then n bytes
        GET  /drip[?n=1024][&chunk=64][&intervalMs=100]        headers now, then n bytes in chunks with pauses
        GET  /status/{code}[?retryAfter=S][&retryAfterDate=S]  that status, body "status {code}"
        GET  /flaky?key=K[&failures=1][&code=503][&retryAfter=S][&retryAfterDate=S]  first failures requests fail
        GET  /flaky/count?key=K                                number of /flaky requests seen for K
        GET  /concurrent?key=K[&ms=300]                        waits ms, counting the requests of key K in the server at once
        GET  /concurrent/max?key=K                             the most /concurrent requests of K there were at once
        GET  /redirect[?n=1][&code=302][&to=/bytes?n=16]       n redirects in a row, the last one to "to"
        GET  /redirect-loop                                    redirects to itself forever
        GET  /redirect-to?url=URL[&code=302]                   redirects to any URL
        ANY  /echo                                             JSON of the request, with its connection's id
        GET  /file/{name}[?size=1048576][&version=1][&stallAfter=n]  generated file with Range, ETag, Last-Modified; stallAfter: the body stops after n bytes
        GET  /norange/{name}[?size=1048576][&version=1]        same bytes, Range ignored
        GET  /filehash/{name}[?size=1048576][&version=1]       hex SHA-256 of that file
        GET  /static/{path}                                    files under --file-root, with Range
        GET  /disposition?name=F[&n=64][&star=1][&fallback=F2] Content-Disposition: attachment
        GET  /abort[?n=1024][&after=n/2][&reset=1]             Content-Length n, connection ends after "after" bytes (reset=1: TCP RST)
        GET  /page/{i}                                         HTML page, longer for larger i
        GET  /text[?charset=utf-8]                             a short non-ASCII text in that charset
        """;

    public static void Map(WebApplication app, string? fileRoot = null)
    {
        app.Use(HandleErrors);

        app.MapGet("/", context => context.Response.WriteAsync(Index + "\n"));

        app.MapMethods("/bytes", GetAndHead, Bytes);
        app.MapGet("/delay", Delay);
        app.MapGet("/drip", Drip);
        app.MapGet("/abort", Abort);

        app.Map("/status/{code:int}", Status);
        var flakyCounters = new ConcurrentDictionary<string, int>();
        app.Map("/flaky", context => Flaky(context, flakyCounters));
        app.MapGet("/flaky/count", context => FlakyCount(context, flakyCounters));
        var gauges = new ConcurrentDictionary<string, Gauge>();
        app.MapGet("/concurrent", context => Concurrent(context, gauges));
        app.MapGet("/concurrent/max", context => ConcurrentMax(context, gauges));

        app.MapMethods("/redirect", GetAndHead, Redirect);
        app.MapMethods("/redirect-loop", GetAndHead, RedirectLoop);
        app.Map("/redirect-to", RedirectTo);

        app.Map("/echo", Echo);

        app.MapMethods("/file/{name}", GetAndHead, File);
        app.MapMethods("/norange/{name}", GetAndHead, NoRange);
        app.MapGet("/filehash/{name}", FileHash);
        app.MapMethods("/static/{**path}", GetAndHead, context => Static(context, fileRoot));
        app.MapMethods("/disposition", GetAndHead, Disposition);

        app.MapGet("/page/{i:int}", Page);
        app.MapGet("/text", Text);
    }

    // Bad query values become 400; a request aborted mid-way (client gone, server stopping) is not an error.
    private static async Task HandleErrors(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = e.StatusCode;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(e.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // Also on server shutdown: never let a cut-short response go out as an empty 200.
            context.Abort();
        }
    }

    /// <summary>Writes n pattern bytes with Content-Length (64 KiB slices) or chunked (several flushes).</summary>
    private static Task WritePatternAsync(HttpContext context, long n, bool chunked)
    {
        if (!chunked)
            context.Response.ContentLength = n;
        if (HttpMethods.IsHead(context.Request.Method))
            return Task.CompletedTask;
        int sliceSize = chunked ? (int)Math.Clamp(n / 4, 1, Pattern.SliceSize) : Pattern.SliceSize;
        return Pattern.WriteAsync(context.Response.Body, n, sliceSize, flushEach: chunked, context.RequestAborted);
    }
}
