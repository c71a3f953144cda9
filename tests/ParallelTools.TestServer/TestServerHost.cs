using System.Net;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ParallelTools.TestServer;

/// <summary>
/// The test server, started in-process: HTTP/1.1 on <see cref="BaseUri"/> and HTTP/2 cleartext
/// (prior knowledge only) on <see cref="Http2BaseUri"/>, both on 127.0.0.1.
/// </summary>
public sealed class TestServerHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private int disposed;

    private TestServerHost(WebApplication app, int port, int http2Port)
    {
        this.app = app;
        Port = port;
        Http2Port = http2Port;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        Http2BaseUri = new Uri($"http://127.0.0.1:{http2Port}/");
    }

    public Uri BaseUri { get; }
    public int Port { get; }
    public Uri Http2BaseUri { get; }
    public int Http2Port { get; }

    /// <param name="port">HTTP/1.1 port; 0 picks a free one.</param>
    /// <param name="fileRoot">Directory served under /static/, or null.</param>
    public static async Task<TestServerHost> StartAsync(int port = 0, string? fileRoot = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddRoutingCore();
        // Keeps the host from hooking Ctrl+C/SIGTERM of whatever process it runs in; Program handles signals itself.
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();

        ListenOptions? http1 = null, http2 = null;
        // Each request runs on the thread that saw its bytes arrive instead of being handed on (every
        // handler here awaits; none blocks for long). With Program's inline socket completions those are
        // the threads polling the sockets, as nginx's workers serve their connections (see Program).
        builder.WebHost.UseSockets(options => options.UnsafePreferInlineScheduling = true);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            options.Limits.MaxConcurrentConnections = null;
            options.Limits.MaxConcurrentUpgradedConnections = null;
            options.Limits.MaxRequestBodySize = null;
            // Clients under test may read slowly on purpose (throttling); Kestrel must not drop them.
            options.Limits.MinRequestBodyDataRate = null;
            options.Limits.MinResponseDataRate = null;
            // Lets /disposition pass non-ASCII file names through as raw UTF-8, as some real servers do.
            options.ResponseHeaderEncodingSelector = name =>
                name.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null;
            options.Listen(IPAddress.Loopback, port, listen => { listen.Protocols = HttpProtocols.Http1; http1 = listen; });
            options.Listen(IPAddress.Loopback, 0, listen => { listen.Protocols = HttpProtocols.Http2; http2 = listen; });
        });

        var app = builder.Build();
        Endpoints.Map(app, fileRoot);
        await app.StartAsync();
        // Kestrel replaces the endpoints with the bound ones, so port 0 resolves to the real port here.
        return new TestServerHost(app, http1!.IPEndPoint!.Port, http2!.IPEndPoint!.Port);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        // Do not wait for slow requests (/drip, /delay) to finish: abort them after a short grace period.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
            await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }

    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
