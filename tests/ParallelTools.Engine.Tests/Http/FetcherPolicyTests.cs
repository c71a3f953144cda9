using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ParallelTools.Engine.Http;

namespace ParallelTools.Engine.Tests.Http;

/// <summary>The fetcher's retries, redirects, credentials and limits against the real test server.</summary>
[Collection(TestServerCollection.Name)]
public class FetcherPolicyTests(TestServerFixture server)
{
    private static Fetcher Create(FetchOptions options) => new(HttpClientCache.Get(new HttpClientSettings()), options);

    private static FetchOptions Retries(int count) =>
        new() { Retry = new RetryPolicy { MaximumRetryCount = count, RetryInterval = TimeSpan.FromMilliseconds(10) } };

    private static string Key() => Guid.NewGuid().ToString("n");

    private static JsonElement Echo(FetchResult result) => JsonDocument.Parse(result.Content!).RootElement;

    private static bool EchoHasHeader(FetchResult result, string name) =>
        Echo(result).GetProperty("headers").EnumerateObject().Any(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task FailingStatuses_AreRetried_AndTheAttemptsRecorded()
    {
        string key = Key();
        var result = await Create(Retries(3)).FetchAsync(server.Url($"/flaky?key={key}&failures=2"), default);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(3, result.Attempts);
    }

    [Fact]
    public async Task RetriesRunOut_TheLastResponseStands()
    {
        string key = Key();
        var result = await Create(Retries(2)).FetchAsync(server.Url($"/flaky?key={key}&failures=5&code=502"), default);
        Assert.Equal(502, result.StatusCode);
        Assert.Equal(3, result.Attempts);
    }

    [Fact]
    public async Task Post_IsNotRetried()
    {
        string key = Key();
        var request = new FetchRequest { Url = server.Url($"/flaky?key={key}&failures=1"), Method = HttpMethod.Post };
        var result = await Create(Retries(3)).FetchAsync(request, default);
        Assert.Equal(503, result.StatusCode);
        Assert.Equal(1, result.Attempts);
    }

    [Fact]
    public async Task NotFound_IsNotRetried()
    {
        var result = await Create(Retries(3)).FetchAsync(server.Url("/status/404"), default);
        Assert.Equal(404, result.StatusCode);
        Assert.Equal(1, result.Attempts);
    }

    [Fact]
    public async Task RetryAfter_IsWaitedFor()
    {
        string key = Key();
        var watch = Stopwatch.StartNew();
        var result = await Create(Retries(1)).FetchAsync(server.Url($"/flaky?key={key}&failures=1&code=429&retryAfter=1"), default);
        Assert.Equal(200, result.StatusCode);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {watch.Elapsed}, before Retry-After");
    }

    [Fact]
    public async Task ConnectionFailures_AreRetried_AndTheErrorCountsAttempts()
    {
        var error = await Assert.ThrowsAsync<FetchException>(() => Create(Retries(2)).FetchAsync("http://127.0.0.1:1/", default));
        Assert.Equal(3, error.Attempts);
        Assert.Contains("after 3 attempts", error.Message);
    }

    [Fact]
    public async Task Timeouts_AreRetried()
    {
        var options = new FetchOptions
        {
            Timeout = TimeSpan.FromMilliseconds(200),
            Retry = new RetryPolicy { MaximumRetryCount = 1, RetryInterval = TimeSpan.FromMilliseconds(10) },
        };
        var error = await Assert.ThrowsAsync<FetchException>(() => Create(options).FetchAsync(server.Url("/delay?ms=5000"), default));
        Assert.Equal(FetchFailure.Timeout, error.Failure);
        Assert.Equal(2, error.Attempts);
    }

    [Fact]
    public async Task RedirectChain_IsFollowed()
    {
        var result = await Create(new FetchOptions()).FetchAsync(server.Url("/redirect?n=3"), default);
        Assert.Equal(200, result.StatusCode);
        Assert.EndsWith("/bytes?n=16", result.FinalUrl);
        Assert.Equal(16, result.Length);
    }

    [Fact]
    public async Task RedirectLoop_EndsWithAClearError()
    {
        var error = await Assert.ThrowsAsync<FetchException>(() => Create(new FetchOptions()).FetchAsync(server.Url("/redirect-loop"), default));
        Assert.Equal(FetchFailure.Redirect, error.Failure);
        Assert.Contains("redirect loop", error.Message);
    }

    [Fact]
    public async Task RedirectsBeyondTheMaximum_AreAnError()
    {
        var options = new FetchOptions { Redirect = new RedirectPolicy { MaximumRedirection = 2 } };
        var error = await Assert.ThrowsAsync<FetchException>(() => Create(options).FetchAsync(server.Url("/redirect?n=3"), default));
        Assert.Contains("too many redirects", error.Message);
    }

    [Fact]
    public async Task MaximumRedirectionZero_ReturnsTheRedirectItself()
    {
        var options = new FetchOptions { Redirect = new RedirectPolicy { MaximumRedirection = 0 } };
        var result = await Create(options).FetchAsync(server.Url("/redirect?n=1"), default);
        Assert.Equal(302, result.StatusCode);
    }

    [Fact]
    public async Task CrossOriginRedirect_DropsSecretHeaders_SameOriginKeepsThem()
    {
        var options = new FetchOptions
        {
            Redirect = new RedirectPolicy { SecretHeaders = new HashSet<string>(["X-Api-Key"], StringComparer.OrdinalIgnoreCase) },
        };
        var headers = new Dictionary<string, string>
        {
            ["Authorization"] = "Bearer secret-token",
            ["Cookie"] = "session=1",
            ["X-Api-Key"] = "k",
            ["X-Plain"] = "kept",
        };
        string otherOrigin = $"http://localhost:{server.Port}/echo";
        var cross = await Create(options).FetchAsync(
            new FetchRequest { Url = server.Url("/redirect-to?url=" + Uri.EscapeDataString(otherOrigin)), Headers = headers }, default);
        var same = await Create(options).FetchAsync(
            new FetchRequest { Url = server.Url("/redirect-to?url=/echo"), Headers = headers }, default);

        Assert.Equal(200, cross.StatusCode);
        Assert.False(EchoHasHeader(cross, "Authorization"));
        Assert.False(EchoHasHeader(cross, "Cookie"));
        Assert.False(EchoHasHeader(cross, "X-Api-Key"));
        Assert.True(EchoHasHeader(cross, "X-Plain"));
        Assert.True(EchoHasHeader(same, "Authorization"));
        Assert.True(EchoHasHeader(same, "X-Api-Key"));
    }

    [Fact]
    public async Task CredentialsInTheUrl_BecomeBasicAuth_AndNeverShow()
    {
        var url = new UriBuilder(server.Url("/echo")) { UserName = "ann", Password = "s3cret" }.Uri.ToString();
        var result = await Create(new FetchOptions()).FetchAsync(url, default);

        string auth = Echo(result).GetProperty("headers").EnumerateObject().First(h => h.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).Value.GetString()!;
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ann:s3cret")), auth);
        Assert.DoesNotContain("s3cret", result.Url);
        Assert.DoesNotContain("s3cret", result.FinalUrl);

        var error = await Assert.ThrowsAsync<FetchException>(() => Create(new FetchOptions()).FetchAsync("http://ann:s3cret@127.0.0.1:1/", default));
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public async Task MethodBodyAndContentType_AreSent()
    {
        var request = new FetchRequest
        {
            Url = server.Url("/echo"),
            Method = HttpMethod.Put,
            Body = Encoding.UTF8.GetBytes("{\"a\":1}"),
            ContentType = "application/json",
        };
        var echo = Echo(await Create(new FetchOptions()).FetchAsync(request, default));
        Assert.Equal("PUT", echo.GetProperty("method").GetString());
        Assert.Equal("{\"a\":1}", echo.GetProperty("body").GetString());
        Assert.StartsWith("application/json", echo.GetProperty("headers").EnumerateObject().First(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value.GetString());
    }

    [Fact]
    public async Task SeeOtherAfterPost_BecomesGetWithoutBody()
    {
        var request = new FetchRequest { Url = server.Url("/redirect-to?code=303&url=/echo"), Method = HttpMethod.Post, Body = [1, 2, 3] };
        var echo = Echo(await Create(new FetchOptions()).FetchAsync(request, default));
        Assert.Equal("GET", echo.GetProperty("method").GetString());
        Assert.Equal(0, echo.GetProperty("bodyLength").GetInt32());
    }

    [Fact]
    public async Task PerHostLimit_Bounds_AndWaitingDoesNotCountAgainstTheTimeout()
    {
        // One at a time, eight requests of 0.3 s take 2.4 s, longer than the 2 s timeout of each.
        var fetcher = Create(new FetchOptions { PerHostLimit = 1, Timeout = TimeSpan.FromSeconds(2) });
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => fetcher.FetchAsync(server.Url($"/delay?ms=300&i={i}"), default)));
        Assert.All(results, r => Assert.Equal(200, r.StatusCode));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2.3), $"eight requests at one per host took only {watch.Elapsed}");
    }

    [Fact]
    public async Task Http2_IsUsedWhenAsked()
    {
        var fetcher = Create(new FetchOptions { HttpVersion = System.Net.HttpVersion.Version20 });
        var result = await fetcher.FetchAsync(new Uri(server.Http2BaseUri, "/bytes?n=100").ToString(), default);
        Assert.Equal(new Version(2, 0), result.HttpVersion);
        Assert.Equal(100, result.Length);
    }
}
