namespace ParallelTools.TestServer;

internal static partial class Endpoints
{
    private const long MaxBytes = 64L * 1024 * 1024 * 1024;

    private static Task Bytes(HttpContext context)
    {
        var request = context.Request;
        long n = request.GetLong("n", 1024, 0, MaxBytes);
        bool chunked = request.GetFlag("chunked");
        context.Response.ContentType = request.GetFlag("text") ? "text/plain" : "application/octet-stream";
        if (!request.GetFlag("gzip"))
            return WritePatternAsync(context, n, chunked);

        context.Response.Headers.ContentEncoding = "gzip";
        return WriteGzipAsync(context, GzipPattern.Get(n), chunked);
    }

    private static async Task WriteGzipAsync(HttpContext context, byte[] compressed, bool chunked)
    {
        if (!chunked)
            context.Response.ContentLength = compressed.Length;
        if (HttpMethods.IsHead(context.Request.Method))
            return;
        int piece = chunked ? Math.Clamp(compressed.Length / 4, 1, Pattern.SliceSize) : compressed.Length;
        for (int offset = 0; offset < compressed.Length; offset += piece)
        {
            await context.Response.Body.WriteAsync(compressed.AsMemory(offset, Math.Min(piece, compressed.Length - offset)), context.RequestAborted);
            if (chunked)
                await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    private static async Task Delay(HttpContext context)
    {
        int ms = context.Request.GetInt("ms", 1000, 0, 3_600_000);
        long n = context.Request.GetLong("n", 16, 0, MaxBytes);
        await Task.Delay(ms, context.RequestAborted);
        context.Response.ContentType = "application/octet-stream";
        await WritePatternAsync(context, n, chunked: false);
    }

    private static async Task Drip(HttpContext context)
    {
        var request = context.Request;
        long n = request.GetLong("n", 1024, 0, MaxBytes);
        int chunk = request.GetInt("chunk", 64, 1, Pattern.SliceSize);
        int intervalMs = request.GetInt("intervalMs", 100, 0, 3_600_000);
        var response = context.Response;
        response.ContentType = "application/octet-stream";
        response.ContentLength = n;
        await response.Body.FlushAsync(context.RequestAborted);
        for (long position = 0; position < n; position += chunk)
        {
            if (position > 0)
                await Task.Delay(intervalMs, context.RequestAborted);
            await response.Body.WriteAsync(Pattern.Slice(position, (int)Math.Min(chunk, n - position)), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>
    /// Advertises n bytes but sends only the first "after", then ends the connection. By default the
    /// handler just returns: Kestrel flushes what was written and closes the connection (FIN; HTTP/2:
    /// RST_STREAM) because the body is short. With reset=1 it calls HttpContext.Abort() instead (TCP RST),
    /// after a short pause so the written bytes reach the client first.
    /// </summary>
    private static async Task Abort(HttpContext context)
    {
        long n = context.Request.GetLong("n", 1024, 1, MaxBytes);
        long after = context.Request.GetLong("after", n / 2, 0, n - 1);
        bool reset = context.Request.GetFlag("reset");
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = n;
        await Pattern.WriteAsync(context.Response.Body, after, Pattern.SliceSize, flushEach: false, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        if (reset)
        {
            await Task.Delay(100, context.RequestAborted);
            context.Abort();
        }
    }
}
