namespace ParallelTools.Engine.Http;

internal static class ResponseHeaders
{
    public static IReadOnlyDictionary<string, string> Flatten(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            headers[name] = string.Join(", ", values);
        return headers;
    }
}
