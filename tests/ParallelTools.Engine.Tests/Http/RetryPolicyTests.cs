using System.Net.Http.Headers;
using ParallelTools.Engine.Http;

namespace ParallelTools.Engine.Tests.Http;

public class RetryPolicyTests
{
    private static readonly RetryPolicy ThreeRetries = new() { MaximumRetryCount = 3, RetryInterval = TimeSpan.FromSeconds(1) };

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void RetryableStatuses_AreRetried(int status) =>
        Assert.NotNull(ThreeRetries.NextDelay(1, HttpMethod.Get, status, null));

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(501)]
    public void OtherErrorStatuses_AreNeverRetried(int status) =>
        Assert.Null(ThreeRetries.NextDelay(1, HttpMethod.Get, status, null));

    [Fact]
    public void NonIdempotentMethods_AreNeverRetried()
    {
        Assert.Null(ThreeRetries.NextDelay(1, HttpMethod.Post, 503, null));
        Assert.Null(ThreeRetries.NextDelay(1, HttpMethod.Patch, null, null));
        Assert.NotNull(ThreeRetries.NextDelay(1, HttpMethod.Put, 503, null));
        Assert.NotNull(ThreeRetries.NextDelay(1, HttpMethod.Delete, null, null));
    }

    [Fact]
    public void RetriesStop_AfterTheMaximumCount()
    {
        Assert.NotNull(ThreeRetries.NextDelay(3, HttpMethod.Get, 503, null));
        Assert.Null(ThreeRetries.NextDelay(4, HttpMethod.Get, 503, null));
        Assert.Null(RetryPolicy.None.NextDelay(1, HttpMethod.Get, 503, null));
    }

    [Fact]
    public void Backoff_DoublesWithJitter_AndIsCapped()
    {
        var random = new Random(7);
        var policy = new RetryPolicy { MaximumRetryCount = 20, RetryInterval = TimeSpan.FromSeconds(1), MaximumInterval = TimeSpan.FromSeconds(10) };
        for (int attempt = 1; attempt <= 6; attempt++)
        {
            double full = Math.Min(Math.Pow(2, attempt - 1), 10);
            var delays = Enumerable.Range(0, 50).Select(_ => policy.Backoff(attempt, random).TotalSeconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, full / 2, full));
            Assert.True(delays.Distinct().Count() > 10, "backoff has no jitter");
        }
    }

    [Fact]
    public void RetryAfter_AsDelta_IsHonoured()
    {
        var delay = ThreeRetries.NextDelay(1, HttpMethod.Get, 429, new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromSeconds(7), delay);
    }

    [Fact]
    public void RetryAfter_AsDate_IsHonoured()
    {
        var delay = ThreeRetries.NextDelay(1, HttpMethod.Get, 503, new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(20)));
        Assert.InRange(delay!.Value.TotalSeconds, 18, 20.5);
        var past = ThreeRetries.NextDelay(1, HttpMethod.Get, 503, new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(-20)));
        Assert.Equal(TimeSpan.Zero, past);
    }

    [Fact]
    public void RetryAfter_LongerThanTheMaximum_EndsTheRetries()
    {
        var policy = new RetryPolicy { MaximumRetryCount = 3, MaximumRetryAfter = TimeSpan.FromSeconds(30) };
        Assert.Null(policy.NextDelay(1, HttpMethod.Get, 503, new RetryConditionHeaderValue(TimeSpan.FromHours(1))));
    }
}
