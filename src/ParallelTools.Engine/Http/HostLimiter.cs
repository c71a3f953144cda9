using System.Collections.Concurrent;

namespace ParallelTools.Engine.Http;

/// <summary>Bounds the requests in flight to any one origin (scheme, host, port).</summary>
public sealed class HostLimiter(int perHost)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _slots = new(StringComparer.OrdinalIgnoreCase);

    public int PerHost { get; } = perHost >= 1 ? perHost : throw new ArgumentOutOfRangeException(nameof(perHost));

    /// <summary>Waits for a slot for the origin of <paramref name="uri"/>; dispose the result to free it.</summary>
    public async Task<IDisposable> AcquireAsync(Uri uri, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd(uri.GetLeftPart(UriPartial.Authority), _ => new SemaphoreSlim(PerHost, PerHost));
        await slot.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Release(slot);
    }

    private sealed class Release(SemaphoreSlim slot) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slot.Release();
        }
    }
}
