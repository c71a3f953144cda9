using System.Collections.Concurrent;
using System.Globalization;

namespace ParallelTools.TestServer;

internal static partial class Endpoints
{
    private static Task Status(HttpContext context)
    {
        int code = int.Parse((string)context.Request.RouteValues["code"]!, CultureInfo.InvariantCulture);
        if (code is < 200 or > 599)
            throw new BadHttpRequestException("status code must be in [200, 599]");
        return WriteStatusAsync(context, code, $"status {code}");
    }

    private static Task Flaky(HttpContext context, ConcurrentDictionary<string, int> counters)
    {
        string key = context.Request.GetRequiredString("key");
        int failures = context.Request.GetInt("failures", 1);
        int code = context.Request.GetInt("code", 503, 200, 599);
        int count = counters.AddOrUpdate(key, 1, (_, previous) => previous + 1);
        return count <= failures
            ? WriteStatusAsync(context, code, $"attempt {count} failed")
            : WriteStatusAsync(context, 200, $"ok after {count} attempts");
    }

    private static Task FlakyCount(HttpContext context, ConcurrentDictionary<string, int> counters)
    {
        string key = context.Request.GetRequiredString("key");
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(counters.GetValueOrDefault(key).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Status with a small text body, plus Retry-After from retryAfter (seconds) or retryAfterDate (HTTP-date that many seconds ahead).</summary>
    private static Task WriteStatusAsync(HttpContext context, int code, string body)
    {
        var request = context.Request;
        var response = context.Response;
        response.StatusCode = code;
        if (request.GetOptionalInt("retryAfter") is int seconds)
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        else if (request.GetOptionalInt("retryAfterDate", int.MinValue) is int dateSeconds)
            response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(dateSeconds).ToString("R", CultureInfo.InvariantCulture);

        if (code is 204 or 304)
            return Task.CompletedTask;
        response.ContentType = "text/plain";
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : response.WriteAsync(body);
    }
}
