using System.Runtime.CompilerServices;

namespace ParallelTools.Engine.Http;

internal static class ResponseHeaders
{
    // NonValidated: the strings as received, without first parsing each value into typed header objects.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
