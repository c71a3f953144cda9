using System.Buffers;

namespace ParallelTools.Engine.Http;

/// <summary>Reads a response body into memory with a size cap and a timeout between reads.</summary>
internal static class BodyReader
{
    private const int ReadSize = 64 * 1024;

    /// <exception cref="BodyTooLargeException">The body is longer than <paramref name="cap"/>.</exception>
    /// <exception cref="TimeoutException">No data arrived for <paramref name="idleTimeout"/>.</exception>
    public static async Task<byte[]> ReadAsync(
        HttpContent content, long cap, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        // With automatic decompression the declared length is the compressed one, and .NET drops it.
        long? declared = content.Headers.ContentLength;
        if (declared > cap || declared > Array.MaxLength)
            throw new BodyTooLargeException(cap);

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        await using var stream = await content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
        return declared is long length
            ? await ReadKnownLengthAsync(stream, (int)length, cap, idleTimeout, idle, cancellationToken).ConfigureAwait(false)
            : await ReadUnknownLengthAsync(stream, cap, idleTimeout, idle, cancellationToken).ConfigureAwait(false);
    }

    // The common case: read straight into a body-sized array, no copies.
    private static async Task<byte[]> ReadKnownLengthAsync(
        Stream stream, int length, long cap, TimeSpan idleTimeout, CancellationTokenSource idle, CancellationToken cancellationToken)
    {
        byte[] body = GC.AllocateUninitializedArray<byte>(length);
        int filled = 0;
        while (true)
        {
            int read = await ReadAsync(stream, filled < length ? body.AsMemory(filled) : new byte[1], idleTimeout, idle, cancellationToken).ConfigureAwait(false);
            if (read == 0)
                return filled == length ? body : body[..filled];
            if (filled >= length)
                throw new BodyTooLargeException(cap); // more than the server declared: never trust it
            filled += read;
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

internal sealed class BodyTooLargeException(long cap)
    : Exception($"the response body is larger than the limit of {cap:N0} bytes")
{
}
