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
    public int MaxConnectionsPerServer { get; init; } = 1024;

    /// <summary>gzip, deflate and brotli are decoded transparently (the body cap applies to decoded bytes).</summary>
    public bool AutomaticDecompression { get; init; } = true;

    /// <summary>A proxy for every request, or null to use none.</summary>
    public Uri? Proxy { get; init; }

    /// <summary>Accept any server certificate. Dangerous: only for test servers you control.</summary>
    public bool SkipCertificateCheck { get; init; }
}
