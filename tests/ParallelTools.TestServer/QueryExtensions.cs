using System.Globalization;

namespace ParallelTools.TestServer;

/// <summary>Query-string parsing; invalid values throw a 400 <see cref="BadHttpRequestException"/>.</summary>
internal static class QueryExtensions
{
    public static long GetLong(this HttpRequest request, string name, long defaultValue, long min = 0, long max = long.MaxValue)
    {
        string? text = request.Query[name];
        if (string.IsNullOrEmpty(text))
            return defaultValue;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
            throw new BadHttpRequestException($"query parameter '{name}' must be an integer in [{min}, {max}]");
        return value;
    }

    public static int GetInt(this HttpRequest request, string name, int defaultValue, int min = 0, int max = int.MaxValue) =>
        (int)request.GetLong(name, defaultValue, min, max);

    public static int? GetOptionalInt(this HttpRequest request, string name, int min = 0, int max = int.MaxValue) =>
        string.IsNullOrEmpty(request.Query[name]) ? null : request.GetInt(name, 0, min, max);

    /// <summary>True for "1" or "true" (any case).</summary>
    public static bool GetFlag(this HttpRequest request, string name) =>
        request.Query[name].ToString() is var text && (text == "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase));

    public static string GetRequiredString(this HttpRequest request, string name)
    {
        string? text = request.Query[name];
        return string.IsNullOrEmpty(text) ? throw new BadHttpRequestException($"query parameter '{name}' is required") : text;
    }
}
