namespace ParallelTools.Engine.Http;

/// <summary>The server answered with an error status (4xx or 5xx), after any retries.</summary>
public sealed class HttpStatusException(FetchResult response)
    : Exception($"{response.Url}: the server answered {response.StatusCode} ({response.ReasonPhrase}){(response.Attempts > 1 ? $" after {response.Attempts} attempts" : "")}.")
{
    public FetchResult Response { get; } = response;
    public int StatusCode => Response.StatusCode;
}
