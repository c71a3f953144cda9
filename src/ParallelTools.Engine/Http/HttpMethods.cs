namespace ParallelTools.Engine.Http;

/// <summary>Turns a method name, in any case, into an <see cref="HttpMethod"/>.</summary>
public static class HttpMethods
{
    /// <summary>The shared instance for a standard method (no allocation per request), else a new one.</summary>
    public static HttpMethod Parse(string name) => name.ToUpperInvariant() switch
    {
        "GET" => HttpMethod.Get,
        "HEAD" => HttpMethod.Head,
        "POST" => HttpMethod.Post,
        "PUT" => HttpMethod.Put,
        "DELETE" => HttpMethod.Delete,
        "PATCH" => HttpMethod.Patch,
        "OPTIONS" => HttpMethod.Options,
        "TRACE" => HttpMethod.Trace,
        var other => new HttpMethod(other),
    };
}
