using ParallelTools.Engine.Http;

namespace ParallelTools.Engine.Tests.Http;

[Collection(TestServerCollection.Name)]
public class BodyPoolTests(TestServerFixture server)
{
    [Theory]
    [InlineData(8 * 1024 - 1, false)]
    [InlineData(8 * 1024, true)]
    [InlineData(84_999, true)]
    [InlineData(85_000, false)] // the large object heap never copies
    public void Suits_OnlyMidSizedBodies(long length, bool suits) => Assert.Equal(suits, BodyPool.Suits(length));

    [Fact]
    public void Rent_GivesAPowerOfTwoBuffer_AndAReturnedBufferIsRentedAgain()
    {
        var pool = new BodyPool();
        byte[] first = pool.Rent(40_000);
        Assert.Equal(65_536, first.Length);

        pool.Return(first);

        Assert.Same(first, pool.Rent(33_000));
        Assert.NotSame(first, pool.Rent(33_000));
        Assert.Equal(16_384, pool.Rent(9_000).Length);
    }

    [Fact]
    public void Rent_PinsTheBuffersThePoolWillKeep_AndNoMore()
    {
        var pool = new BodyPool();
        var buffers = Enumerable.Range(0, 257).Select(_ => pool.Rent(16_384)).ToList();

        // The pinned object heap is part of the oldest generation: those buffers are never copied.
        Assert.All(buffers.Take(256), buffer => Assert.Equal(GC.MaxGeneration, GC.GetGeneration(buffer)));
        Assert.Equal(0, GC.GetGeneration(buffers[256]));
    }

    [Fact]
    public void Detach_CopiesTheBodyIntoItsOwnArray_AndGivesTheBufferBack()
    {
        var pool = new BodyPool();
        byte[] buffer = pool.Rent(10_000);
        Random.Shared.NextBytes(buffer);
        byte[] expected = buffer[..10_000];
        var result = NewResult(new ReceivedBody(buffer, 10_000, pool));

        result.Detach();

        Assert.Equal(10_000, result.Length);
        Assert.Equal(expected, result.RawContent);
        Assert.Same(buffer, pool.Rent(10_000));
    }

    [Fact]
    public void RawContent_BeforeDetach_IsAlreadyTheExactBody()
    {
        var pool = new BodyPool();
        byte[] buffer = pool.Rent(9_000);
        buffer.AsSpan().Fill((byte)'x');
        var result = NewResult(new ReceivedBody(buffer, 9_000, pool));

        Assert.Equal(9_000, result.RawContent.Length);
        Assert.Equal(new string('x', 9_000), result.Content);
        Assert.Same(result.RawContent, result.RawContent);
    }

    [Theory]
    [InlineData(40_000)]
    [InlineData(65_536)]
    [InlineData(1_000)]
    [InlineData(200_000)]
    public async Task Fetch_GivesTheBodyAsServed_WhetherPooledOrNot(int size)
    {
        var fetcher = new Fetcher(HttpClientCache.Get(new HttpClientSettings()), new FetchOptions { AsByteArray = true });
        byte[] served = await new HttpClient().GetByteArrayAsync(server.Url($"/bytes?n={size}"));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(
            _ => fetcher.FetchAsync(new FetchRequest { Url = server.Url($"/bytes?n={size}") }, CancellationToken.None)));

        foreach (var result in results)
        {
            result.Detach();
            Assert.Equal(size, result.Length);
            Assert.Equal(served, result.RawContent);
        }
    }

    private static FetchResult NewResult(ReceivedBody body) => new(body)
    {
        Url = "http://127.0.0.1/", FinalUrl = "http://127.0.0.1/", StatusCode = 200,
        HttpVersion = new Version(1, 1), Headers = new Dictionary<string, string>(),
    };
}
