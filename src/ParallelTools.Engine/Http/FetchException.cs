namespace ParallelTools.Engine.Http;

/// <summary>Why a request to one URL failed: the URL, the kind of failure and its cause.</summary>
public sealed class FetchException(string url, FetchFailure failure, string message, Exception? inner = null)
    : Exception($"{url}: {message}", inner)
{
    public string Url { get; } = url;
    public FetchFailure Failure { get; } = failure;
}

public enum FetchFailure
{
    Connection,
    Timeout,
    BodyTooLarge,
    Protocol,
}
