using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace ParallelTools.TestServer;

internal static partial class Endpoints
{
    private const string OctetStream = "application/octet-stream";

    private static Task File(HttpContext context)
    {
        var content = ReadFileContent(context);
        long stallAfter = context.Request.GetLong("stallAfter", -1, -1);
        var stream = stallAfter < 0 ? content.OpenRead() : new StallingStream(content.OpenRead(), stallAfter);
        return TypedResults.File(stream, OctetStream, lastModified: content.LastModified,
            entityTag: EntityTagHeaderValue.Parse(content.ETag), enableRangeProcessing: true).ExecuteAsync(context);
    }

    // Same bytes as /file, but like a server without range support: always 200, no Accept-Ranges, no validators.
    private static Task NoRange(HttpContext context) =>
        TypedResults.File(ReadFileContent(context).OpenRead(), OctetStream).ExecuteAsync(context);

    private static Task FileHash(HttpContext context)
    {
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(ReadFileContent(context).Sha256());
    }

    private static FileContent ReadFileContent(HttpContext context) => new(
        (string)context.Request.RouteValues["name"]!,
        context.Request.GetLong("size", FileContent.DefaultSize, 0, FileContent.MaxSize),
        context.Request.GetInt("version", FileContent.DefaultVersion, 0, FileContent.MaxVersion));

    private static Task Static(HttpContext context, string? fileRoot)
    {
        if (fileRoot is null)
            return WriteStatusAsync(context, 404, "no --file-root");
        string root = Path.GetFullPath(fileRoot);
        string path = Path.GetFullPath(Path.Combine(root, (string?)context.Request.RouteValues["path"] ?? ""));
        if (!path.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !System.IO.File.Exists(path))
            return WriteStatusAsync(context, 404, "not found");
        var info = new FileInfo(path);
        var etag = new EntityTagHeaderValue($"\"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}\"");
        context.Features.Set<IHttpResponseBodyFeature>(new ReadAheadSendFile(context.Features.Get<IHttpResponseBodyFeature>()!));
        return TypedResults.PhysicalFile(path, OctetStream, lastModified: info.LastWriteTimeUtc, entityTag: etag,
            enableRangeProcessing: true).ExecuteAsync(context);
    }

    /// <summary>Content-Disposition with the name passed through as given (quoted; raw UTF-8 if not ASCII).</summary>
    private static Task Disposition(HttpContext context)
    {
        var request = context.Request;
        string name = request.GetRequiredString("name");
        string filename = request.Query["fallback"].ToString() is { Length: > 0 } fallback ? fallback : name;
        var header = new StringBuilder("attachment; filename=\"").Append(QuoteContent(filename)).Append('"');
        if (request.GetFlag("star"))
            header.Append("; filename*=UTF-8''").Append(Uri.EscapeDataString(name));
        context.Response.Headers.ContentDisposition = header.ToString();
        context.Response.ContentType = OctetStream;
        return WritePatternAsync(context, request.GetLong("n", 64, 0, MaxBytes), chunked: false);
    }

    // Escapes '\' and '"' and replaces control characters, which cannot appear in a header value.
    private static string QuoteContent(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (c is '\\' or '"')
                builder.Append('\\').Append(c);
            else
                builder.Append(char.IsControl(c) ? '_' : c);
        }
        return builder.ToString();
    }
}
