using System.Net;
using System.Net.Http.Headers;
using ParallelTools.TestServer;

namespace ParallelTools.Engine.Tests.TestServer;

/// <summary>The test server's endpoints behave as the other tests and the benchmarks assume.</summary>
[Collection(TestServerCollection.Name)]
public class TestServerEndpointTests(TestServerFixture server)
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });

    [Fact]
    public async Task Bytes_SendsExactlyNBytes_PlainChunkedOrGzip()
    {
        var plain = await Client.GetAsync(server.Url("/bytes?n=5000"));
        var chunked = await Client.GetAsync(server.Url("/bytes?n=5000&chunked=1"), HttpCompletionOption.ResponseHeadersRead);
        var gzip = await Client.GetAsync(server.Url("/bytes?n=5000&gzip=1"));

        Assert.Equal(5000, plain.Content.Headers.ContentLength);
        Assert.Null(chunked.Content.Headers.ContentLength);
        Assert.True(chunked.Headers.TransferEncodingChunked);
        Assert.Equal(await plain.Content.ReadAsByteArrayAsync(), await chunked.Content.ReadAsByteArrayAsync());
        Assert.Contains("gzip", gzip.Content.Headers.ContentEncoding);
        Assert.True(gzip.Content.Headers.ContentLength < 5000);
    }

    [Fact]
    public async Task Status_RepliesWithTheCodeAndBothFormsOfRetryAfter()
    {
        var delta = await Client.GetAsync(server.Url("/status/503?retryAfter=7"));
        var date = await Client.GetAsync(server.Url("/status/429?retryAfterDate=30"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, delta.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), delta.Headers.RetryAfter!.Delta);
        Assert.Equal((HttpStatusCode)429, date.StatusCode);
        Assert.InRange(date.Headers.RetryAfter!.Date!.Value - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(32));
    }

    [Fact]
    public async Task Redirect_ChainsTheGivenNumberOfHops_AndTheLoopNeverEnds()
    {
        string path = "/redirect?n=3";
        int hops = 0;
        HttpResponseMessage response;
        while ((response = await Client.GetAsync(server.Url(path))).StatusCode == HttpStatusCode.Found && hops < 10)
        {
            hops++;
            path = response.Headers.Location!.OriginalString;
        }
        Assert.Equal(3, hops);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var loop = await Client.GetAsync(server.Url("/redirect-loop"));
        Assert.Equal("/redirect-loop", loop.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task File_SupportsRangeAndIfRange_WithStrongValidators()
    {
        var full = await Client.GetAsync(server.Url("/file/a.bin?size=100000"));
        var etag = full.Headers.ETag!;
        byte[] all = await full.Content.ReadAsByteArrayAsync();
        Assert.False(etag.IsWeak);
        Assert.NotNull(full.Content.Headers.LastModified);

        var range = new HttpRequestMessage(HttpMethod.Get, server.Url("/file/a.bin?size=100000"));
        range.Headers.Range = new RangeHeaderValue(1000, 1999);
        range.Headers.IfRange = new RangeConditionHeaderValue(etag);
        var partial = await Client.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(all[1000..2000], await partial.Content.ReadAsByteArrayAsync());

        var changed = new HttpRequestMessage(HttpMethod.Get, server.Url("/file/a.bin?size=100000&version=2"));
        changed.Headers.Range = new RangeHeaderValue(1000, 1999);
        changed.Headers.IfRange = new RangeConditionHeaderValue(etag);
        var whole = await Client.SendAsync(changed);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.NotEqual(all, await whole.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Disposition_SendsTheGivenNameAsIs()
    {
        var response = await Client.GetAsync(server.Url("/disposition?name=" + Uri.EscapeDataString("../../etc/passwd")));
        Assert.Equal("../../etc/passwd", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
    }

    [Fact]
    public async Task Abort_EndsTheBodyEarly()
    {
        var response = await Client.GetAsync(server.Url("/abort?n=100000&after=1000"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(100000, response.Content.Headers.ContentLength);
        await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Flaky_FailsTheGivenNumberOfTimesPerKey_ThenSucceeds()
    {
        string key = Guid.NewGuid().ToString("n");
        var codes = new List<HttpStatusCode>();
        for (int i = 0; i < 3; i++)
            codes.Add((await Client.GetAsync(server.Url($"/flaky?key={key}&failures=2"))).StatusCode);
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], codes);
        Assert.Equal("3", await Client.GetStringAsync(server.Url($"/flaky/count?key={key}")));
    }

    [Fact]
    public async Task Page_IsHtmlWhoseLengthGrowsWithItsNumber()
    {
        var one = await Client.GetStringAsync(server.Url("/page/1"));
        var three = await Client.GetStringAsync(server.Url("/page/3"));
        Assert.Contains("<title>Page 1</title>", one);
        Assert.True(three.Length > one.Length);
    }

    [Fact]
    public void FileContent_IsDeterministic()
    {
        Assert.Equal(new FileContent("x", 4096, 1).ToArray(), new FileContent("x", 4096, 1).ToArray());
        Assert.NotEqual(new FileContent("x", 4096, 1).ToArray(), new FileContent("x", 4096, 2).ToArray());
    }

    [Fact]
    public async Task Static_SendsAFileUnderTheRoot_WholeOrARange_AcrossReadAheadBlocks()
    {
        string root = Directory.CreateTempSubdirectory("pt-static-").FullName;
        try
        {
            var bytes = new byte[3 * 1024 * 1024 + 12345]; // more than three of the 1 MiB blocks it reads ahead
            Random.Shared.NextBytes(bytes);
            await System.IO.File.WriteAllBytesAsync(Path.Combine(root, "f.bin"), bytes);
            await using var host = await TestServerHost.StartAsync(fileRoot: root);
            string url = new Uri(host.BaseUri, "/static/f.bin").ToString();

            var whole = await Client.GetAsync(url);
            using var ranged = new HttpRequestMessage(HttpMethod.Get, url);
            ranged.Headers.Range = new RangeHeaderValue(1_048_570, 2_097_160);
            var part = await Client.SendAsync(ranged);

            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync());
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal(bytes[1_048_570..2_097_161], await part.Content.ReadAsByteArrayAsync());
            Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(new Uri(host.BaseUri, "/static/missing.bin"))).StatusCode);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
