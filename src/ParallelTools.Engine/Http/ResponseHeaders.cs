namespace ParallelTools.Engine.Http;

internal static class ResponseHeaders
{
    // NonValidated: the strings as received; parsing every value into typed headers was among the
    // largest allocations per request in a profile of small GETs.
    public static IReadOnlyDictionary<string, string> Flatten(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(
            response.Headers.NonValidated.Count + response.Content.Headers.NonValidated.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.NonValidated)
            headers[name] = values.ToString();
        foreach (var (name, values) in response.Content.Headers.NonValidated)
            headers[name] = values.ToString();
        return headers;
    }
}
