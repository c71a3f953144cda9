namespace ParallelTools.Engine.Http;

/// <summary>The standard HTTP methods, and method names turned into <see cref="HttpMethod"/>s.</summary>
public static class HttpMethods
{
    /// <summary>The methods tab completion offers and that need no allocation per request.</summary>
    public static readonly IReadOnlyList<HttpMethod> Standard =
        [HttpMethod.Get, HttpMethod.Head, HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete, HttpMethod.Options, HttpMethod.Trace];

    /// <summary>The shared instance for a standard method, in any case; else a new one.</summary>
    public static HttpMethod Parse(string name)
    {
        foreach (var method in Standard)
        {
            if (string.Equals(method.Method, name, StringComparison.OrdinalIgnoreCase))
                return method;
        }
        return new HttpMethod(name.ToUpperInvariant());
    }
}
