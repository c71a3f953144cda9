namespace ParallelTools.Engine.Http;

/// <summary>
/// Everything that shapes a shared <see cref="HttpClient"/>. Two calls with equal settings share one
/// connection pool (see <see cref="HttpClientCache"/>).
/// </summary>
public sealed record HttpClientSettings
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connections are replaced after this long so DNS changes are seen.</summary>
    public TimeSpan PooledConnectionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Per origin; the engine's own limits sit below it.</summary>
    public int MaxConnectionsPerServer { get; init; } = 256;

    /// <summary>gzip, deflate and brotli are decoded transparently.</summary>
    public bool AutomaticDecompression { get; init; } = true;
}
