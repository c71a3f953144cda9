using System.Collections.Concurrent;
using System.Globalization;

namespace ParallelTools.TestServer;

internal static partial class Endpoints
{
    /// <summary>How many requests of one key are in the server now, and the most there were at once.</summary>
    private sealed class Gauge
    {
        public int Now;
        public int Max;
    }

    private static async Task Concurrent(HttpContext context, ConcurrentDictionary<string, Gauge> gauges)
    {
        var gauge = gauges.GetOrAdd(context.Request.GetRequiredString("key"), _ => new Gauge());
        int ms = context.Request.GetInt("ms", 300, 0, 60_000);
        int now = Interlocked.Increment(ref gauge.Now);
        for (int max = Volatile.Read(ref gauge.Max); now > max; max = Volatile.Read(ref gauge.Max))
        {
            if (Interlocked.CompareExchange(ref gauge.Max, now, max) == max)
                break;
        }
        try
        {
            await Task.Delay(ms, context.RequestAborted);
        }
        finally
        {
            Interlocked.Decrement(ref gauge.Now);
        }
        await WriteStatusAsync(context, 200, "ok");
    }

    private static Task ConcurrentMax(HttpContext context, ConcurrentDictionary<string, Gauge> gauges)
    {
        context.Response.ContentType = "text/plain";
        int max = gauges.TryGetValue(context.Request.GetRequiredString("key"), out var gauge) ? Volatile.Read(ref gauge.Max) : 0;
        return context.Response.WriteAsync(max.ToString(CultureInfo.InvariantCulture));
    }
}
