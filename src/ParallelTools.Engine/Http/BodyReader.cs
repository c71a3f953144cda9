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
        long? declared = content.Headers.ContentLength;
        if (declared > cap)
            throw new BodyTooLargeException(cap);

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        await using var stream = await content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
        using var body = new MemoryStream(declared is > 0 ? (int)declared.Value : 0);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await stream.ReadAsync(buffer.AsMemory(0, ReadSize), idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"no data arrived for {idleTimeout.TotalSeconds:0.###} s while reading the body");
                }
                if (read == 0)
                    return body.ToArray();
                if (body.Length + read > cap)
                    throw new BodyTooLargeException(cap);
                body.Write(buffer, 0, read);
                idle.CancelAfter(idleTimeout);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

internal sealed class BodyTooLargeException(long cap)
    : Exception($"the response body is larger than the limit of {cap:N0} bytes")
{
}
