using System.Collections.Concurrent;
using System.Net;

namespace ParallelTools.Engine.Http;

/// <summary>
/// One <see cref="HttpClient"/> per distinct <see cref="HttpClientSettings"/> for the life of the
/// process, so every call in a session reuses the same connection pool.
/// </summary>
public static class HttpClientCache
{
    private static readonly ConcurrentDictionary<HttpClientSettings, Lazy<HttpClient>> Clients = new();

    public static HttpClient Get(HttpClientSettings settings) =>
        Clients.GetOrAdd(settings, s => new Lazy<HttpClient>(() => Create(s))).Value;

    // Timeouts are per request and per read, owned by the engine; HttpClient's single timeout
    // would not cover body reads anyway.
    private static HttpClient Create(HttpClientSettings settings) =>
        new(CreateHandler(settings)) { Timeout = Timeout.InfiniteTimeSpan };

    internal static SocketsHttpHandler CreateHandler(HttpClientSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionLifetime = settings.PooledConnectionLifetime,
            MaxConnectionsPerServer = settings.MaxConnectionsPerServer,
            AutomaticDecompression = settings.AutomaticDecompression ? DecompressionMethods.All : DecompressionMethods.None,
            // Redirects are followed by the engine, which knows which headers must not cross origins.
            AllowAutoRedirect = false,
            // Items must not leak cookies to each other through a shared jar.
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            UseProxy = settings.Proxy is not null,
            Proxy = settings.Proxy is null ? null : new WebProxy(settings.Proxy),
        };
        if (settings.SkipCertificateCheck)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return handler;
    }
}
