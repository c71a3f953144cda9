namespace ParallelTools.TestServer;

/// <summary>
/// A seekable read-only stream that serves a given number of bytes and then waits until the request
/// is aborted: a server that stalls mid-body after sending (and flushing) a known prefix.
/// </summary>
internal sealed class StallingStream(Stream inner, long serveBytes) : Stream
{
    private long _served;

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_served >= serveBytes)
            await Task.Delay(Timeout.Infinite, cancellationToken);
        int read = inner.Read(buffer.Span[..(int)Math.Min(buffer.Length, serveBytes - _served)]);
        _served += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
