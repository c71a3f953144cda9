using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Win32.SafeHandles;

namespace ParallelTools.TestServer;

/// <summary>
/// Sends a file for /static in large blocks, reading the next block from disk while the last one
/// goes out. Kestrel's own SendFileAsync copies in 64 KiB steps, each read waiting for the send
/// before it: with requests run inline on the socket thread (TestServerHost), a 1 GiB file then
/// reached Invoke-ThreadedDownload at 1.42-1.51 s instead of 1.02-1.26 s. Everything else (ranges,
/// validators, headers) is the result's own; only the copy of the chosen bytes is done here.
/// </summary>
internal sealed class ReadAheadSendFile(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private const int BlockSize = 1024 * 1024;

    public Stream Stream => inner.Stream;
    public PipeWriter Writer => inner.Writer;

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        using var file = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        long end = count is long n ? offset + n : RandomAccess.GetLength(file);
        byte[] current = ArrayPool<byte>.Shared.Rent(BlockSize);
        byte[] next = ArrayPool<byte>.Shared.Rent(BlockSize);
        Task<int> reading = Task.FromResult(0);
        try
        {
            await inner.StartAsync(cancellationToken);
            reading = ReadBlockAsync(file, current, offset, end, cancellationToken);
            while (offset < end)
            {
                int read = await reading;
                if (read == 0)
                    throw new IOException($"{path} ended before byte {end}");
                offset += read;
                reading = offset < end ? ReadBlockAsync(file, next, offset, end, cancellationToken) : Task.FromResult(0);
                var flushed = await inner.Writer.WriteAsync(current.AsMemory(0, read), cancellationToken);
                if (flushed.IsCanceled || flushed.IsCompleted)
                    break;
                (current, next) = (next, current);
            }
        }
        finally
        {
            // Never give back a buffer that a read still fills.
            await ((Task)reading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    private static Task<int> ReadBlockAsync(SafeFileHandle file, byte[] buffer, long offset, long end, CancellationToken cancellationToken) =>
        RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(buffer.Length, end - offset)), offset, cancellationToken).AsTask();
}
