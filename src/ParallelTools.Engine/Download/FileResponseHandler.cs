using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using ParallelTools.Engine.Http;

namespace ParallelTools.Engine.Download;

/// <summary>
/// Writes one download's response into its <see cref="PartFile"/>, across every attempt of the item:
/// a later attempt continues with Range and If-Range where the server allows it, and starts over at
/// byte 0 where it does not, so bytes of two different versions are never spliced.
/// </summary>
internal sealed class FileResponseHandler(
    DownloadRequest request, DownloadOptions options, FetchOptions fetchOptions, BlockPool blocks, Func<HttpExchange, (string Path, bool Skip)> chooseTarget)
    : ResponseHandler<DownloadResult>
{
    private bool _resumed;

    /// <summary>The file being written, once the target is known.</summary>
    public PartFile? Part { get; set; }

    public override void Prepare(HttpRequestMessage message)
    {
        if (Part is { Length: > 0, Validator: { } validator })
            AskRange(message, Part.Length, null, validator);
    }

    public override async Task<DownloadResult> HandleAsync(HttpExchange exchange, CancellationToken cancellationToken)
    {
        var response = exchange.Response;
        int status = (int)response.StatusCode;
        if (status == (int)HttpStatusCode.RequestedRangeNotSatisfiable && Part is { Length: > 0 } && IsWholeFile(response, Part.Length))
            return Commit(exchange, await HashOfPartAsync(cancellationToken).ConfigureAwait(false));
        if (status is < 200 or > 299)
        {
            return new DownloadResult
            {
                Url = exchange.ShownUrl, StatusCode = status, ReasonPhrase = response.ReasonPhrase,
                RetryAfter = response.Headers.TryGetValues("Retry-After", out var values) ? values.FirstOrDefault() : null,
                Elapsed = Stopwatch.GetElapsedTime(exchange.Started), Attempts = exchange.Attempt, Status = DownloadStatus.Failed,
            };
        }

        var (target, skip) = chooseTarget(exchange);
        if (skip)
            return DownloadResult.Skipped(exchange.ShownUrl, target, status, exchange.Attempt);
        Part ??= OnDisk(exchange, () => options.Resume ? PartFile.OpenResumable(target) : PartFile.CreateNew(target));

        if (status == (int)HttpStatusCode.PartialContent)
        {
            long? start = response.Content.Headers.ContentRange?.From;
            if (start != Part.Length)
            {
                OnDisk(exchange, () => Part.Restart(null)); // the next attempt asks for the whole file
                throw new DownloadException(exchange.ShownUrl, DownloadFailure.BadResponse,
                    $"the server sent a range starting at byte {start}, not the {Part.Length} asked for");
            }
            _resumed |= start > 0;
        }
        else
        {
            OnDisk(exchange, () => Part.Restart(Validator(response)));
        }

        if (SegmentedLength(response) is long length)
        {
            await CopySegmentsAsync(exchange, length, cancellationToken).ConfigureAwait(false);
            return Commit(exchange, null);
        }
        if (Part.Length == 0)
            StartWritingDirectIfLarge(exchange, response.Content.Headers.ContentLength);

        using var hash = request.ExpectedSha256 is not null || options.ComputeSha256 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        if (hash is not null && Part.Length > 0)
            await HashPrefixAsync(hash, cancellationToken).ConfigureAwait(false);
        var part = Part;
        await CopyAsync(exchange, response, null, hash, block => part.Append(block), cancellationToken).ConfigureAwait(false);
        return Commit(exchange, hash is null ? null : HexDigest(hash));
    }

    /// <summary>
    /// The length to split over <see cref="DownloadOptions.SegmentCount"/> connections, or null to use
    /// one: segments need a whole (200) response with ranges, a length and a validator, big enough
    /// segments, and no in-order hash or resume.
    /// </summary>
    private long? SegmentedLength(HttpResponseMessage response)
    {
        if (options.SegmentCount < 2 || options.Resume || options.ComputeSha256 || request.ExpectedSha256 is not null
            || response.StatusCode != HttpStatusCode.OK || Validator(response) is null
            || !response.Headers.AcceptRanges.Contains("bytes", StringComparer.OrdinalIgnoreCase))
            return null;
        return response.Content.Headers.ContentLength is long length && length >= options.SegmentCount * options.MinimumSegmentBytes
            ? length
            : null;
    }

    // This response supplies the first segment; the others come from range requests for the same
    // URL, each checked to be the asked range of the same version (If-Range), written at its offset.
    private async Task CopySegmentsAsync(HttpExchange exchange, long length, CancellationToken cancellationToken)
    {
        var part = Part!;
        string validator = Validator(exchange.Response)!;
        long size = length / options.SegmentCount / DirectWrites.Alignment * DirectWrites.Alignment; // every block aligned for direct writes
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            OnDisk(exchange, () => part.Preallocate(length));
            StartWritingDirectIfLarge(exchange, length);
            var segments = new List<Task>();
            for (int i = 0; i < options.SegmentCount; i++)
            {
                long from = i * size;
                long count = i == options.SegmentCount - 1 ? length - from : size;
                segments.Add(CopySegmentAsync(exchange, from, count, validator, failed));
            }
            await Task.WhenAll(segments).ConfigureAwait(false);
        }
        catch
        {
            // A half-filled preallocated file must never look resumable or complete.
            OnDisk(exchange, () => part.Restart(null));
            throw;
        }
    }

    private async Task CopySegmentAsync(HttpExchange exchange, long from, long count, string validator, CancellationTokenSource failed)
    {
        try
        {
            if (from == 0)
            {
                await CopyAsync(exchange, exchange.Response, count, null, WriteFrom(from), failed.Token).ConfigureAwait(false);
                return;
            }
            using var response = await exchange.SendAgain(
                message => AskRange(message, from, from + count - 1, validator), failed.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.PartialContent || response.Content.Headers.ContentRange?.From != from)
            {
                throw new DownloadException(exchange.ShownUrl, DownloadFailure.BadResponse,
                    $"the server answered {(int)response.StatusCode} to the range request for bytes {from}-{from + count - 1}; download with -SegmentCount 1");
            }
            await CopyAsync(exchange, response, count, null, WriteFrom(from), failed.Token).ConfigureAwait(false);
        }
        catch
        {
            failed.Cancel(); // the other segments stop at once
            throw;
        }
    }

    // A large body goes past the page cache (DirectWrites); a smaller one, or one of unknown length, through it.
    private void StartWritingDirectIfLarge(HttpExchange exchange, long? length)
    {
        if (length >= options.DirectWriteMinimumBytes)
            OnDisk(exchange, Part!.StartWritingDirect);
    }

    private Action<ArraySegment<byte>> WriteFrom(long offset) => block =>
    {
        Part!.WriteAt(block, offset);
        offset += block.Count;
    };

    /// <summary>
    /// Copies the body (its first <paramref name="count"/> bytes, or all of it when null) in blocks of
    /// the buffer size: the buffer is filled before each write, so writes are few and large, and each
    /// block goes to disk while the next one is read (one write at a time, in order).
    /// </summary>
    private async Task CopyAsync(
        HttpExchange exchange, HttpResponseMessage response, long? count, IncrementalHash? hash, Action<ArraySegment<byte>> write, CancellationToken cancellationToken)
    {
        int blockSize = Part!.WritesDirect ? options.DirectBufferSize : options.BufferSize;
        var buffer = blocks.Rent(blockSize);
        var spare = blocks.Rent(blockSize);
        Task writing = Task.CompletedTask;

        async Task WriteBehindAsync(int filled)
        {
            await writing.ConfigureAwait(false); // the previous block is on disk: the spare buffer is free
            var block = buffer.Slice(0, filled);
            hash?.AppendData(block);
            writing = Task.Run(() =>
            {
                OnDisk(exchange, () => write(block));
                options.Counter?.Add(filled);
            }, CancellationToken.None);
            (buffer, spare) = (spare, buffer);
        }

        try
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            idle.CancelAfter(fetchOptions.IdleTimeout);
            await using var body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
            for (long left = count ?? long.MaxValue; left > 0;)
            {
                int want = (int)Math.Min(buffer.Count, left);
                int filled = 0;
                int read;
                try
                {
                    do
                    {
                        read = await BodyReader.ReadAsync(body, buffer.AsMemory(filled, want - filled), fetchOptions.IdleTimeout, idle, cancellationToken).ConfigureAwait(false);
                        filled += read;
                    }
                    while (read > 0 && filled < want);
                }
                catch (Exception) when (filled > 0 && !cancellationToken.IsCancellationRequested)
                {
                    // Keep what did arrive: a retry or a later -Resume continues after it.
                    await WriteBehindAsync(filled).ConfigureAwait(false);
                    await writing.ConfigureAwait(false);
                    throw;
                }
                if (filled > 0)
                    await WriteBehindAsync(filled).ConfigureAwait(false);
                left -= filled;
                if (read == 0 && count is not null && left > 0)
                    throw new IOException($"the connection closed with {left:N0} bytes of a segment still to come");
                if (read == 0)
                    break;
            }
            await writing.ConfigureAwait(false);
        }
        finally
        {
            // A buffer goes back to the pool only once no write uses it.
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            blocks.Return(buffer);
            blocks.Return(spare);
        }
    }

    private DownloadResult Commit(HttpExchange exchange, string? sha256)
    {
        var part = Part!;
        if (request.ExpectedSha256 is { } expected && !string.Equals(expected.Trim(), sha256, StringComparison.OrdinalIgnoreCase))
        {
            part.Discard();
            throw new DownloadException(exchange.ShownUrl, DownloadFailure.HashMismatch,
                $"the SHA-256 of the download is {sha256}, not the expected {expected.Trim()}; the file was removed");
        }
        long length = part.Length;
        try
        {
            part.Commit(options.ExistingFile == ExistingFilePolicy.Overwrite);
        }
        catch (IOException ex) when (File.Exists(part.Target) && options.ExistingFile != ExistingFilePolicy.Overwrite)
        {
            part.Discard();
            throw new DownloadException(exchange.ShownUrl, DownloadFailure.TargetExists,
                $"'{part.Target}' appeared while downloading; use -Force to overwrite it", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw FileError(exchange, ex);
        }
        return new DownloadResult
        {
            Url = exchange.ShownUrl, Path = part.Target, Length = length, StatusCode = (int)exchange.Response.StatusCode,
            ReasonPhrase = exchange.Response.ReasonPhrase, Elapsed = Stopwatch.GetElapsedTime(exchange.Started),
            Attempts = exchange.Attempt, Resumed = _resumed, Sha256 = sha256, Status = DownloadStatus.Completed,
        };
    }

    private async Task<string?> HashOfPartAsync(CancellationToken cancellationToken)
    {
        if (request.ExpectedSha256 is null && !options.ComputeSha256)
            return null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await HashPrefixAsync(hash, cancellationToken).ConfigureAwait(false);
        return HexDigest(hash);
    }

    private static string HexDigest(IncrementalHash hash) => Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();

    // Bytes from..to (to the end when null), only if the file is still the version the validator names.
    private static void AskRange(HttpRequestMessage message, long from, long? to, string validator)
    {
        message.Headers.Range = new RangeHeaderValue(from, to);
        message.Headers.TryAddWithoutValidation("If-Range", validator);
    }

    // A resumed file's hash covers the kept bytes too; they are the only ones read back.
    private Task HashPrefixAsync(IncrementalHash hash, CancellationToken cancellationToken) => Task.Run(() =>
    {
        var part = Part!;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(options.BufferSize);
        try
        {
            for (long offset = 0; offset < part.Length;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int read = part.ReadAt(buffer.AsSpan(0, (int)Math.Min(options.BufferSize, part.Length - offset)), offset);
                if (read == 0)
                    throw new IOException($"'{part.Path}' is shorter than recorded");
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }, cancellationToken);

    // File errors are the item's own failure: never mistaken for a broken connection and retried.
    private static void OnDisk(HttpExchange exchange, Action action) => OnDisk(exchange, () => { action(); return 0; });

    private static T OnDisk<T>(HttpExchange exchange, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw FileError(exchange, ex);
        }
    }

    private static DownloadException FileError(HttpExchange exchange, Exception ex) =>
        new(exchange.ShownUrl, DownloadFailure.FileError, $"writing the file failed: {ex.Message}", ex);

    private static bool IsWholeFile(HttpResponseMessage response, long length) =>
        response.Content.Headers.ContentRange is { HasLength: true, Length: long total } && total == length;

    /// <summary>A strong ETag, else Last-Modified: what If-Range may carry.</summary>
    private static string? Validator(HttpResponseMessage response)
    {
        if (response.Headers.ETag is { IsWeak: false } etag)
            return etag.Tag;
        return response.Content.Headers.TryGetValues("Last-Modified", out var values) ? values.FirstOrDefault() : null;
    }
}
