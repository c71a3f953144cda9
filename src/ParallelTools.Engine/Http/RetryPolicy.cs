using System.Net.Http.Headers;

namespace ParallelTools.Engine.Http;

/// <summary>
/// When a failed attempt is tried again, and after how long: connection failures, timeouts, 408, 429
/// and 5xx, on idempotent methods only; exponential backoff with jitter, or the server's Retry-After.
/// </summary>
public sealed class RetryPolicy
{
    private static readonly HashSet<HttpMethod> Idempotent =
        [HttpMethod.Get, HttpMethod.Head, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Options, HttpMethod.Trace];

    /// <summary>Attempts after the first; 0 turns retrying off.</summary>
    public int MaximumRetryCount { get; init; }

    /// <summary>The first backoff; each later one doubles, up to <see cref="MaximumInterval"/>.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaximumInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A Retry-After longer than this is not waited for: the response stands.</summary>
    public TimeSpan MaximumRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    public static RetryPolicy None { get; } = new();

    public static bool IsRetryableStatus(int status) =>
        status is 408 or 429 || (status is >= 500 and <= 599 && status is not 501 and not 505);

    public static bool IsRetryableFailure(FetchException error) =>
        error.Failure is FetchFailure.Connection or FetchFailure.Timeout;

    /// <summary>
    /// The wait before attempt <paramref name="attempt"/> + 1 after a failure, or null when it must not
    /// be retried. <paramref name="status"/> is the response status, or null for a transport failure.
    /// </summary>
    public TimeSpan? NextDelay(int attempt, HttpMethod method, int? status, RetryConditionHeaderValue? retryAfter, Random? random = null)
    {
        if (attempt > MaximumRetryCount || !Idempotent.Contains(method))
            return null;
        if (status is int code && !IsRetryableStatus(code))
            return null;

        TimeSpan? serverWait = retryAfter switch
        {
            { Delta: TimeSpan delta } => delta,
            { Date: DateTimeOffset date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
        if (serverWait is TimeSpan wait)
        {
            if (wait > MaximumRetryAfter)
                return null;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return Backoff(attempt, random ?? Random.Shared);
    }

    /// <summary>Exponential backoff with jitter: between half and all of base * 2^(attempt-1), capped.</summary>
    public TimeSpan Backoff(int attempt, Random random)
    {
        double exponential = RetryInterval.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        double capped = Math.Min(exponential, MaximumInterval.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + 0.5 * random.NextDouble()));
    }
}
