using System.Diagnostics;
using ParallelTools.Engine.Http;

namespace ParallelTools.Engine.Tests.Http;

[Collection(TestServerCollection.Name)]
public class FetcherTests(TestServerFixture server)
{
    private static Fetcher Create(FetchOptions? options = null) =>
        new(HttpClientCache.Get(new HttpClientSettings()), options ?? new FetchOptions());

    [Fact]
    public async Task Fetch_ReturnsStatusHeadersAndBody()
    {
        var result = await Create().FetchAsync(server.Url("/bytes?n=1000&text=1"), CancellationToken.None);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(1000, result.Length);
        Assert.Equal(1000, result.Content!.Length);
        Assert.StartsWith("abc", result.Content);
        Assert.Equal("1000", result.Headers["content-length"]);
        Assert.True(result.TimeToHeaders <= result.Elapsed);
    }

    [Fact]
    public async Task Fetch_DecodesGzipAndChunkedBodies()
    {
        var gzip = await Create().FetchAsync(server.Url("/bytes?n=100000&gzip=1"), CancellationToken.None);
        var chunked = await Create().FetchAsync(server.Url("/bytes?n=100000&chunked=1"), CancellationToken.None);

        Assert.Equal(100000, gzip.Length);
        Assert.Equal(100000, chunked.Length);
        Assert.Equal(gzip.Content, chunked.Content);
    }

    [Fact]
    public async Task Fetch_AsByteArray_KeepsRawBytes()
    {
        var result = await Create(new FetchOptions { AsByteArray = true }).FetchAsync(server.Url("/bytes?n=300"), CancellationToken.None);
        Assert.Null(result.Content);
        Assert.Equal(300, result.RawContent!.Length);
    }

    [Fact]
    public async Task Fetch_ReportsErrorStatusesAsResults()
    {
        var result = await Create().FetchAsync(server.Url("/status/404"), CancellationToken.None);
        Assert.Equal(404, result.StatusCode);
        Assert.False(result.IsSuccessStatusCode);
    }

    [Theory]
    [InlineData("not a url", "not an absolute URL")]
    [InlineData("ftp://host/file", "scheme 'ftp'")]
    [InlineData("", "empty")]
    public async Task Fetch_RejectsInputThatIsNotAnHttpUrl(string input, string reason)
    {
        var error = await Assert.ThrowsAsync<InvalidUrlException>(() => Create().FetchAsync(input, CancellationToken.None));
        Assert.Contains(reason, error.Message);
        Assert.Contains($"'{input}'", error.Message);
    }

    [Fact]
    public async Task Fetch_RefusedConnection_IsAConnectionFailureNamingTheUrl()
    {
        var error = await Assert.ThrowsAsync<FetchException>(() => Create().FetchAsync("http://127.0.0.1:1/x", CancellationToken.None));
        Assert.Equal(FetchFailure.Connection, error.Failure);
        Assert.StartsWith("http://127.0.0.1:1/x", error.Message);
    }

    [Fact]
    public async Task Fetch_ConnectionResetMidBody_IsAConnectionFailure()
    {
        var error = await Assert.ThrowsAsync<FetchException>(() => Create().FetchAsync(server.Url("/abort?n=100000&after=1000"), CancellationToken.None));
        Assert.Equal(FetchFailure.Connection, error.Failure);
    }

    [Fact]
    public async Task Fetch_SlowHeaders_FailWithTimeout()
    {
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<FetchException>(() =>
            Create(new FetchOptions { Timeout = TimeSpan.FromMilliseconds(300) }).FetchAsync(server.Url("/delay?ms=10000"), CancellationToken.None));
        Assert.Equal(FetchFailure.Timeout, error.Failure);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Fetch_StalledBody_FailsWithIdleTimeout()
    {
        var options = new FetchOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) };
        var error = await Assert.ThrowsAsync<FetchException>(() =>
            Create(options).FetchAsync(server.Url("/drip?n=100&chunk=10&intervalMs=5000"), CancellationToken.None));
        Assert.Equal(FetchFailure.Timeout, error.Failure);
        Assert.Contains("no data arrived", error.Message);
    }

    [Theory]
    [InlineData("/bytes?n=5000")]
    [InlineData("/bytes?n=5000&chunked=1")]
    [InlineData("/bytes?n=200000&gzip=1")]
    public async Task Fetch_BodyOverTheCap_Fails(string path)
    {
        var options = new FetchOptions { MaximumResponseBytes = 4096 };
        var error = await Assert.ThrowsAsync<FetchException>(() => Create(options).FetchAsync(server.Url(path), CancellationToken.None));
        Assert.Equal(FetchFailure.BodyTooLarge, error.Failure);
    }

    [Fact]
    public async Task Fetch_Cancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Create().FetchAsync(server.Url("/delay?ms=10000"), cts.Token));
    }

    [Fact]
    public async Task Fetch_ManyInFlight_AllEndPromptlyWhenCancelled()
    {
        var fetcher = Create();
        using var cts = new CancellationTokenSource();
        var fetches = Enumerable.Range(0, 50).Select(i => fetcher.FetchAsync(server.Url($"/delay?ms=30000&i={i}"), cts.Token)).ToArray();
        await Task.Delay(300);
        var watch = Stopwatch.StartNew();
        cts.Cancel();
        foreach (var fetch in fetches)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the last of 50 cancelled requests ended after {watch.Elapsed}");
    }

    [Theory]
    [InlineData("iso-8859-1")]
    [InlineData("utf-16")]
    [InlineData("utf-8")]
    public async Task Fetch_DecodesTheSampleTextInEachDeclaredCharset(string charset)
    {
        var text = await Create().FetchAsync(server.Url($"/text?charset={charset}"), CancellationToken.None);
        Assert.Equal(charset, text.Charset);
        Assert.Equal("Grüße aus Köln: café, naïve, über", text.Content);
    }

    [Fact]
    public void Handler_ReplacesPooledConnections_ChecksCertificates_AndLeavesRedirectsAndCookiesToTheEngine()
    {
        using var handler = HttpClientCache.CreateHandler(new HttpClientSettings());
        Assert.Equal(TimeSpan.FromMinutes(5), handler.PooledConnectionLifetime);
        Assert.Equal(TimeSpan.FromSeconds(10), handler.ConnectTimeout);
        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback); // .NET's own validation: untrusted certificates fail
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseCookies);
        using var skipping = HttpClientCache.CreateHandler(new HttpClientSettings { SkipCertificateCheck = true });
        Assert.NotNull(skipping.SslOptions.RemoteCertificateValidationCallback);
    }

    [Fact]
    public async Task Fetch_DecodesTextByTheResponseCharset()
    {
        var page = await Create().FetchAsync(server.Url("/page/2"), CancellationToken.None);
        Assert.Equal("text/html", page.ContentType);
        Assert.Contains("Page 2", page.Content);
    }

    [Fact]
    public void SameSettings_ShareOneClient_DifferentSettingsDoNot()
    {
        var a = HttpClientCache.Get(new HttpClientSettings());
        var b = HttpClientCache.Get(new HttpClientSettings());
        var c = HttpClientCache.Get(new HttpClientSettings { ConnectTimeout = TimeSpan.FromSeconds(3) });
        Assert.Same(a, b);
        Assert.NotSame(a, c);
    }

    [Fact]
    public async Task ConnectTimeout_EndsAConnectionThatIsNeverAccepted_WithItsOwnMessage()
    {
        // A listener with a full backlog: the kernel drops further SYNs, so connecting hangs.
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen(1);
        int port = ((System.Net.IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = new List<System.Net.Sockets.TcpClient>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                var filler = new System.Net.Sockets.TcpClient();
                fillers.Add(filler);
                _ = filler.ConnectAsync(System.Net.IPAddress.Loopback, port);
            }
            await Task.Delay(300);
            var fetcher = new Fetcher(HttpClientCache.Get(new HttpClientSettings { ConnectTimeout = TimeSpan.FromSeconds(1) }), new FetchOptions());

            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<FetchException>(() => fetcher.FetchAsync($"http://127.0.0.1:{port}/", CancellationToken.None));

            Assert.Equal(FetchFailure.Timeout, error.Failure);
            Assert.Contains("connect timeout", error.Message);
            Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 10);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }
}
