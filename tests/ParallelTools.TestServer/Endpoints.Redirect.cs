using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace ParallelTools.TestServer;

internal static partial class Endpoints
{
    private static readonly int[] RedirectCodes = [301, 302, 303, 307, 308];

    /// <summary>/redirect?n=K takes K hops: n &gt; 1 goes to the same URL with n-1, n &lt;= 1 goes to "to".</summary>
    private static Task Redirect(HttpContext context)
    {
        int n = context.Request.GetInt("n", 1, 0, 10_000);
        string to = context.Request.Query["to"].ToString() is { Length: > 0 } target ? target : "/bytes?n=16";
        if (n <= 1)
            return WriteRedirectAsync(context, to);

        var query = context.Request.Query
            .Where(pair => pair.Key != "n")
            .Prepend(new KeyValuePair<string, StringValues>("n", (n - 1).ToString(CultureInfo.InvariantCulture)));
        return WriteRedirectAsync(context, "/redirect" + QueryString.Create(query));
    }

    private static Task RedirectLoop(HttpContext context) => WriteRedirectAsync(context, "/redirect-loop");

    private static Task RedirectTo(HttpContext context) =>
        WriteRedirectAsync(context, context.Request.GetRequiredString("url"));

    private static Task WriteRedirectAsync(HttpContext context, string location)
    {
        int code = context.Request.GetInt("code", 302);
        if (!RedirectCodes.Contains(code))
            throw new BadHttpRequestException("code must be one of 301, 302, 303, 307, 308");
        context.Response.StatusCode = code;
        context.Response.Headers.Location = location;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
