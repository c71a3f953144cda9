using System.Buffers;

namespace ParallelTools.Engine.Http;

/// <summary>Reads a response body into memory with a size cap and a timeout between reads.</summary>
internal static class BodyReader
{
    private const int ReadSize = 64 * 1024;

    // Where a read after the declared length goes; only whether it gets a byte matters, so one array serves all.
    private static readonly byte[] EndProbe = new byte[1];

    /// <exception cref="BodyTooLargeException">The body is longer than <paramref name="cap"/>.</exception>
    /// <exception cref="TimeoutException">No data arrived for <paramref name="idleTimeout"/>.</exception>
    /// <remarks>A body of a declared length that <paramref name="pool"/> suits comes in a pooled buffer.</remarks>
    public static async Task<ReceivedBody> ReadAsync(
        HttpContent content, long cap, TimeSpan idleTimeout, BodyPool? pool, CancellationToken cancellationToken)
    {
        // With automatic decompression the declared length is the compressed one, and .NET drops it.
        long? declared = content.Headers.ContentLength;
        if (declared > cap || declared > Array.MaxLength)
            throw new BodyTooLargeException(cap);

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        await using var stream = await content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
        if (declared is not long length)
            return new ReceivedBody(await ReadUnknownLengthAsync(stream, cap, idleTimeout, idle, cancellationToken).ConfigureAwait(false));
        // The common case: read straight into a buffer of the declared size, no copies.
        var from = pool is not null && BodyPool.Suits(length) ? pool : null;
        byte[] buffer = from?.Rent((int)length) ?? GC.AllocateUninitializedArray<byte>((int)length);
        try
        {
            int filled = 0;
            while (await ReadAsync(stream, filled < length ? buffer.AsMemory(filled, (int)length - filled) : EndProbe, idleTimeout, idle, cancellationToken).ConfigureAwait(false) is int read and > 0)
            {
                if (filled >= length)
                    throw new BodyTooLargeException(cap); // more than the server declared: never trust it
                filled += read;
            }
            if (from is not null)
                return new ReceivedBody(buffer, filled, from);
            return new ReceivedBody(filled == length ? buffer : buffer[..filled]);
        }
        catch when (from is not null)
        {
            from.Return(buffer);
            throw;
        }
    }

    private static async Task<byte[]> ReadUnknownLengthAsync(
        Stream stream, long cap, TimeSpan idleTimeout, CancellationTokenSource idle, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            while (true)
            {
                int read = await ReadAsync(stream, buffer.AsMemory(0, ReadSize), idleTimeout, idle, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    return body.ToArray();
                if (body.Length + read > cap)
                    throw new BodyTooLargeException(cap);
                body.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One read that fails with <see cref="TimeoutException"/> when no data arrives for <paramref name="idleTimeout"/>.</summary>
    internal static async ValueTask<int> ReadAsync(
        Stream stream, Memory<byte> into, TimeSpan idleTimeout, CancellationTokenSource idle, CancellationToken cancellationToken)
    {
        try
        {
            int read = await stream.ReadAsync(into, idle.Token).ConfigureAwait(false);
            idle.CancelAfter(idleTimeout);
            return read;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no data arrived for {idleTimeout.TotalSeconds:0.###} s while reading the body");
        }
    }
}

/// <summary>A body as read: its own array, or the first <see cref="Length"/> bytes of a buffer from <see cref="Pool"/>.</summary>
internal readonly record struct ReceivedBody(byte[] Buffer, int Length, BodyPool? Pool = null)
{
    public ReceivedBody(byte[] body)
        : this(body, body.Length)
    {
    }
}

internal sealed class BodyTooLargeException(long cap)
    : Exception($"the response body is larger than the limit of {cap:N0} bytes")
{
}
