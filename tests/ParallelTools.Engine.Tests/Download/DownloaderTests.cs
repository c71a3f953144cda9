using System.Security.Cryptography;
using ParallelTools.Engine.Download;
using ParallelTools.Engine.Http;
using ParallelTools.TestServer;

namespace ParallelTools.Engine.Tests.Download;

[Collection(TestServerCollection.Name)]
public sealed class DownloaderTests(TestServerFixture server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pt-dl-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Downloader Create(DownloadOptions? options = null, FetchOptions? fetch = null) => new(
        new Fetcher(HttpClientCache.Get(new HttpClientSettings { AutomaticDecompression = false }), fetch ?? new FetchOptions()),
        options ?? new DownloadOptions { Destination = _folder });

    private static string Sha256Of(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    private string[] FilesLeft() => Directory.GetFiles(_folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public async Task Download_WritesTheFile_NamedByTheUrl_WithHash()
    {
        var result = await Create(new DownloadOptions { Destination = _folder, ComputeSha256 = true })
            .DownloadAsync(new DownloadRequest { Url = server.Url("/file/data.bin?size=3000000") }, default);

        Assert.Equal(DownloadStatus.Completed, result.Status);
        Assert.Equal(Path.Combine(_folder, "data.bin"), result.Path);
        Assert.Equal(3000000, result.Length);
        string expected = new FileContent("data.bin", 3000000, 1).Sha256();
        Assert.Equal(expected, result.Sha256);
        Assert.Equal(expected, Sha256Of(result.Path!));
        Assert.Equal(["data.bin"], FilesLeft());
    }

    [Fact]
    public async Task Download_NamesByContentDisposition_Sanitised()
    {
        var result = await Create().DownloadAsync(new DownloadRequest { Url = server.Url("/disposition?name=..%2F..%2Fevil.sh") }, default);
        Assert.Equal(Path.Combine(_folder, "evil.sh"), result.Path);
    }

    [Fact]
    public async Task Download_OutFile_MayNameASubfolder_ButNeverEscape()
    {
        var ok = await Create().DownloadAsync(new DownloadRequest { Url = server.Url("/file/a.bin?size=10"), OutFile = "sub/b.bin" }, default);
        Assert.Equal(Path.Combine(_folder, "sub", "b.bin"), ok.Path);

        var error = await Assert.ThrowsAsync<DownloadException>(() =>
            Create().DownloadAsync(new DownloadRequest { Url = server.Url("/file/a.bin?size=10"), OutFile = "../outside.bin" }, default));
        Assert.Equal(DownloadFailure.UnsafeName, error.Failure);
        Assert.False(File.Exists(Path.Combine(_folder, "..", "outside.bin")));
    }

    [Fact]
    public async Task ExistingTarget_IsAnError_ForceOverwrites_SkipExistingSkipsWithoutARequest()
    {
        string target = Path.Combine(_folder, "x.bin");
        File.WriteAllText(target, "old");
        string url = server.Url("/file/x.bin?size=100");

        var error = await Assert.ThrowsAsync<DownloadException>(() => Create().DownloadAsync(new DownloadRequest { Url = url }, default));
        Assert.Equal(DownloadFailure.TargetExists, error.Failure);
        Assert.Equal("old", File.ReadAllText(target));

        // An unreachable port proves no request is made.
        var skipped = await Create(new DownloadOptions { Destination = _folder, ExistingFile = ExistingFilePolicy.Skip })
            .DownloadAsync(new DownloadRequest { Url = "http://127.0.0.1:1/x.bin" }, default);
        Assert.Equal(DownloadStatus.Skipped, skipped.Status);
        Assert.Equal("old", File.ReadAllText(target));

        var forced = await Create(new DownloadOptions { Destination = _folder, ExistingFile = ExistingFilePolicy.Overwrite })
            .DownloadAsync(new DownloadRequest { Url = url }, default);
        Assert.Equal(100, new FileInfo(target).Length);
        Assert.Equal(DownloadStatus.Completed, forced.Status);
    }

    [Fact]
    public async Task TwoInputsWithTheSameName_NeverOverwriteEachOther()
    {
        var downloader = Create();
        await downloader.DownloadAsync(new DownloadRequest { Url = server.Url("/file/same.bin?size=10&version=1") }, default);
        var error = await Assert.ThrowsAsync<DownloadException>(() =>
            downloader.DownloadAsync(new DownloadRequest { Url = server.Url("/file/same.bin?size=20&version=2") }, default));
        Assert.Equal(DownloadFailure.NameConflict, error.Failure);
        Assert.Equal(10, new FileInfo(Path.Combine(_folder, "same.bin")).Length);
    }

    [Fact]
    public async Task TheSameUrlTwice_EvenAsOneString_IsANameConflict()
    {
        var downloader = Create();
        string url = server.Url("/file/twice.bin?size=10");
        await downloader.DownloadAsync(new DownloadRequest { Url = url }, default);
        var error = await Assert.ThrowsAsync<DownloadException>(() => downloader.DownloadAsync(new DownloadRequest { Url = url }, default));
        Assert.Equal(DownloadFailure.NameConflict, error.Failure);
    }

    [Fact]
    public async Task ExpectedSha256_Matching_Completes_Mismatching_LeavesNoFile()
    {
        string url = server.Url("/file/h.bin?size=200000");
        string good = new FileContent("h.bin", 200000, 1).Sha256();
        var ok = await Create().DownloadAsync(new DownloadRequest { Url = url, ExpectedSha256 = good.ToUpperInvariant() }, default);
        Assert.Equal(good, ok.Sha256);

        var error = await Assert.ThrowsAsync<DownloadException>(() =>
            Create().DownloadAsync(new DownloadRequest { Url = url, OutFile = "bad.bin", ExpectedSha256 = new string('0', 64) }, default));
        Assert.Equal(DownloadFailure.HashMismatch, error.Failure);
        Assert.Equal(["h.bin"], FilesLeft());
    }

    [Fact]
    public async Task ABrokenConnection_LeavesNoPartFile_AndNoTarget()
    {
        var error = await Assert.ThrowsAsync<FetchException>(() =>
            Create().DownloadAsync(new DownloadRequest { Url = server.Url("/abort?n=2000000&after=1000000"), OutFile = "cut.bin" }, default));
        Assert.Equal(FetchFailure.Connection, error.Failure);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task Cancellation_LeavesNoPartFile()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Create().DownloadAsync(new DownloadRequest { Url = server.Url("/drip?n=100000&chunk=100&intervalMs=50"), OutFile = "slow.bin" }, cancel.Token));
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task Resume_ContinuesAKeptPart_WithRangeAndIfRange()
    {
        var content = new FileContent("r.bin", 3_000_000, 1);
        PlantPart("r.bin", content, 1_000_000, content.ETag);

        var result = await Create(new DownloadOptions { Destination = _folder, Resume = true, ComputeSha256 = true })
            .DownloadAsync(new DownloadRequest { Url = server.Url("/file/r.bin?size=3000000&version=1") }, default);

        Assert.True(result.Resumed);
        Assert.Equal(content.Sha256(), result.Sha256);
        Assert.Equal(content.Sha256(), Sha256Of(result.Path!));
        Assert.Equal(["r.bin"], FilesLeft());
    }

    [Fact]
    public async Task Resume_OfAFileThatChangedOnTheServer_DownloadsItAfresh_NeverSplices()
    {
        var old = new FileContent("c.bin", 3_000_000, 1);
        var changed = new FileContent("c.bin", 3_000_000, 2);
        PlantPart("c.bin", old, 1_000_000, old.ETag);

        var result = await Create(new DownloadOptions { Destination = _folder, Resume = true })
            .DownloadAsync(new DownloadRequest { Url = server.Url("/file/c.bin?size=3000000&version=2") }, default);

        Assert.False(result.Resumed);
        Assert.Equal(changed.Sha256(), Sha256Of(result.Path!));
    }

    [Fact]
    public async Task Resume_AgainstAServerThatIgnoresRange_RestartsFromZero()
    {
        var content = new FileContent("n.bin", 2_000_000, 1);
        PlantPart("n.bin", content, 500_000, content.ETag);

        var result = await Create(new DownloadOptions { Destination = _folder, Resume = true })
            .DownloadAsync(new DownloadRequest { Url = server.Url("/norange/n.bin?size=2000000") }, default);

        Assert.False(result.Resumed);
        Assert.Equal(content.Sha256(), Sha256Of(result.Path!));
    }

    [Fact]
    public async Task Resume_KeepsThePartOfAFailedDownload_AndTheNextRunFinishesIt()
    {
        var content = new FileContent("k.bin", 4_000_000, 1);
        var resume = new DownloadOptions { Destination = _folder, Resume = true, ComputeSha256 = true };
        var stalled = await Assert.ThrowsAsync<FetchException>(() => Create(resume, new FetchOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) })
            .DownloadAsync(new DownloadRequest { Url = server.Url("/file/k.bin?size=4000000&stallAfter=1500000"), OutFile = "k.bin" }, default));
        Assert.Equal(FetchFailure.Timeout, stalled.Failure);
        Assert.Equal(1_500_000, new FileInfo(Path.Combine(_folder, "k.bin.part")).Length);
        Assert.Equal(["k.bin.part", "k.bin.part.validator"], FilesLeft());

        var result = await Create(resume).DownloadAsync(new DownloadRequest { Url = server.Url("/file/k.bin?size=4000000"), OutFile = "k.bin" }, default);
        Assert.True(result.Resumed);
        Assert.Equal(content.Sha256(), result.Sha256);
        Assert.Equal(content.Sha256(), Sha256Of(result.Path!));
        Assert.Equal(["k.bin"], FilesLeft());
    }

    [Fact]
    public async Task ARetryAfterAStalledBody_ContinuesWhereItStopped()
    {
        // The first attempt stalls after 2 MB (stallAfter counts per response); the second asks for the last 1 MB.
        var content = new FileContent("t.bin", 3_000_000, 1);
        var fetch = new FetchOptions
        {
            IdleTimeout = TimeSpan.FromMilliseconds(300),
            Retry = new RetryPolicy { MaximumRetryCount = 1, RetryInterval = TimeSpan.Zero },
        };
        var result = await Create(new DownloadOptions { Destination = _folder, ComputeSha256 = true }, fetch)
            .DownloadAsync(new DownloadRequest { Url = server.Url("/file/t.bin?size=3000000&stallAfter=2000000") }, default);
        Assert.Equal(2, result.Attempts);
        Assert.True(result.Resumed);
        Assert.Equal(content.Sha256(), result.Sha256);
    }

    [Fact]
    public async Task SegmentCount_SplitsALargeFileOverRangeRequests_WrittenAtTheirOffsets()
    {
        // Every response stalls after 3.5 MB, so only three ranges of 3 MB each can finish the 9 MB file.
        var content = new FileContent("s.bin", 9_000_000, 1);
        var options = new DownloadOptions { Destination = _folder, SegmentCount = 3, MinimumSegmentBytes = 1024 * 1024 };
        var result = await Create(options, new FetchOptions { IdleTimeout = TimeSpan.FromSeconds(1) })
            .DownloadAsync(new DownloadRequest { Url = server.Url("/file/s.bin?size=9000000&stallAfter=3500000") }, default);

        Assert.Equal(9_000_000, result.Length);
        Assert.Equal(content.Sha256(), Sha256Of(result.Path!));
        Assert.Equal(["s.bin"], FilesLeft());
    }

    [Fact]
    public async Task SegmentCount_AFailedSegment_FailsTheDownload_AndLeavesNothing()
    {
        // Segments of 4.5 MB each outlast the 3.5 MB every response serves.
        var options = new DownloadOptions { Destination = _folder, SegmentCount = 2, MinimumSegmentBytes = 1024 * 1024 };
        var error = await Assert.ThrowsAsync<FetchException>(() => Create(options, new FetchOptions { IdleTimeout = TimeSpan.FromMilliseconds(500) })
            .DownloadAsync(new DownloadRequest { Url = server.Url("/file/f.bin?size=9000000&stallAfter=3500000") }, default));
        Assert.Equal(FetchFailure.Timeout, error.Failure);
        Assert.Empty(FilesLeft());
    }

    [Fact]
    public async Task SegmentCount_IsNotUsed_WhenTheServerDoesNotDoRanges()
    {
        var content = new FileContent("nr.bin", 6_000_000, 1);
        var options = new DownloadOptions { Destination = _folder, SegmentCount = 3, MinimumSegmentBytes = 1024 * 1024 };
        var result = await Create(options).DownloadAsync(new DownloadRequest { Url = server.Url("/norange/nr.bin?size=6000000") }, default);
        Assert.Equal(content.Sha256(), Sha256Of(result.Path!));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task DirectWrites_GiveTheSameFile_WholeOrInSegments_WithAnOddLength(int segments)
    {
        var content = new FileContent("d.bin", 9_000_001, 1);
        var options = new DownloadOptions
        {
            Destination = _folder, SegmentCount = segments, MinimumSegmentBytes = 1024 * 1024,
            DirectWriteMinimumBytes = 1, DirectBufferSize = 1024 * 1024,
        };
        var result = await Create(options).DownloadAsync(new DownloadRequest { Url = server.Url("/file/d.bin?size=9000001") }, default);
        Assert.Equal(9_000_001, result.Length);
        Assert.Equal(content.Sha256(), Sha256Of(result.Path!));
        Assert.Equal(["d.bin"], FilesLeft());
    }

    [Fact]
    public async Task DirectWrites_ARetryContinuesAtTheOddOffsetWhereTheStalledAttemptStopped()
    {
        var content = new FileContent("ds.bin", 5_000_000, 1);
        var options = new DownloadOptions { Destination = _folder, ComputeSha256 = true, DirectWriteMinimumBytes = 1, DirectBufferSize = 1024 * 1024 };
        var fetch = new FetchOptions
        {
            IdleTimeout = TimeSpan.FromSeconds(1), // the stall's detection: wide, so a busy machine's slow start is no stall
            Retry = new RetryPolicy { MaximumRetryCount = 1, RetryInterval = TimeSpan.Zero },
        };
        var result = await Create(options, fetch)
            .DownloadAsync(new DownloadRequest { Url = server.Url("/file/ds.bin?size=5000000&stallAfter=2500000") }, default);
        Assert.Equal(2, result.Attempts);
        Assert.True(result.Resumed);
        Assert.Equal(content.Sha256(), result.Sha256);
        Assert.Equal(content.Sha256(), Sha256Of(result.Path!));
    }

    private void PlantPart(string name, FileContent content, int length, string validator)
    {
        var bytes = new byte[length];
        content.Fill(bytes, 0);
        File.WriteAllBytes(Path.Combine(_folder, name + ".part"), bytes);
        File.WriteAllText(Path.Combine(_folder, name + ".part.validator"), validator);
    }
}
