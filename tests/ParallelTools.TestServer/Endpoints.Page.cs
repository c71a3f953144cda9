using System.Globalization;
using System.Text;

namespace ParallelTools.TestServer;

internal static partial class Endpoints
{
    /// <summary>HTML page i with 10*i paragraphs and links to its neighbours.</summary>
    private static Task Page(HttpContext context)
    {
        int i = int.Parse((string)context.Request.RouteValues["i"]!, CultureInfo.InvariantCulture);
        if (i is < 0 or > 10_000)
            throw new BadHttpRequestException("page must be in [0, 10000]");
        var html = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>Page {i}</title></head>\n<body>\n<h1>Page {i}</h1>\n")
            .Append(CultureInfo.InvariantCulture, $"<p><a href=\"/page/{Math.Max(i - 1, 0)}\">previous</a> <a href=\"/page/{i + 1}\">next</a></p>\n");
        for (int k = 1; k <= 10 * i; k++)
            html.Append(CultureInfo.InvariantCulture, $"<p>Paragraph {k} of page {i}.</p>\n");
        html.Append("</body>\n</html>\n");

        return WriteTextAsync(context, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html.ToString()));
    }

    /// <summary>The words of <see cref="SampleText"/> encoded in the charset asked for, and declared in Content-Type.</summary>
    private static Task Text(HttpContext context)
    {
        string charset = context.Request.Query["charset"].ToString() is { Length: > 0 } name ? name : "utf-8";
        Encoding encoding;
        try
        {
            encoding = Encoding.GetEncoding(charset);
        }
        catch (ArgumentException)
        {
            throw new BadHttpRequestException($"unknown charset {charset}");
        }
        return WriteTextAsync(context, $"text/plain; charset={charset}", encoding.GetBytes(SampleText));
    }

    /// <summary>What /text sends: not ASCII, and every character of it in ISO-8859-1 as in UTF-16.</summary>
    private const string SampleText = "Grüße aus Köln: café, naïve, über";

    private static Task WriteTextAsync(HttpContext context, string contentType, byte[] body)
    {
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
