namespace ParallelTools.Engine.Http;

/// <summary>Why a request to one URL failed: the URL (credentials removed), the kind of failure and its cause.</summary>
public sealed class FetchException(string url, FetchFailure failure, string reason, Exception? inner = null, int attempts = 1)
    : Exception($"{url}: {reason}{(attempts > 1 ? $" (after {attempts} attempts)" : "")}", inner)
{
    public string Url { get; } = url;
    public FetchFailure Failure { get; } = failure;
    public string Reason { get; } = reason;
    public int Attempts { get; } = attempts;

    public FetchException WithAttempts(int attempts) =>
        attempts == Attempts ? this : new FetchException(Url, Failure, Reason, InnerException, attempts);
}

public enum FetchFailure
{
    Connection,
    Timeout,
    BodyTooLarge,
    Redirect,
}
