using ParallelTools.TestServer;

namespace ParallelTools.Engine.Tests;

/// <summary>One in-process test server on 127.0.0.1 shared by the tests of a collection.</summary>
public sealed class TestServerFixture : IAsyncLifetime
{
    private TestServerHost? _host;

    public Uri BaseUri => _host!.BaseUri;

    /// <summary>The same server over HTTP/2 cleartext (prior knowledge), on another port.</summary>
    public Uri Http2BaseUri => _host!.Http2BaseUri;

    public int Port => _host!.Port;

    public string Url(string pathAndQuery) => new Uri(BaseUri, pathAndQuery).ToString();

    public async Task InitializeAsync() => _host = await TestServerHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TestServerCollection : ICollectionFixture<TestServerFixture>
{
    public const string Name = "test server";
}

/// <summary>
/// Tests that measure the whole process's live memory run alone: other tests allocating meanwhile
/// (the test server caches generated files) would count as their growth.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuresProcessMemory
{
    public const string Name = "measures process memory";
}

/// <summary>
/// Tests that start worker pools take threads from ParkedThreads, whose tests watch which thread
/// runs what: they run one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class UsesParkedThreads
{
    public const string Name = "uses parked threads";
}
