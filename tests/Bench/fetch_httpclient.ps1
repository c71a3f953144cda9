# The ceiling for the fetch scenario: .NET's HttpClient driven directly from C# (compiled here, outside
# the timed phase), in a pwsh process like ours but without a pipeline: 64 requests in flight, each
# body read into an array. Prints "<responses> <timed seconds>".
param([string] $UrlFile, [int] $Concurrency = 64)
Add-Type -TypeDefinition @'
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

public static class DirectHttpClient
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler());

    public static int Fetch(string[] urls, int concurrency)
    {
        var slots = new SemaphoreSlim(concurrency);
        var requests = urls.Select(async url =>
        {
            await slots.WaitAsync();
            try { return (await Client.GetByteArrayAsync(url)).Length; }
            finally { slots.Release(); }
        }).ToArray();
        Task.WaitAll(requests);
        return requests.Length;
    }
}
'@
$urls = [IO.File]::ReadAllLines($UrlFile)
$null = [DirectHttpClient]::Fetch($urls[0..999], $Concurrency)  # warm-up, as every peer has
$watch = [Diagnostics.Stopwatch]::StartNew()
$count = [DirectHttpClient]::Fetch($urls, $Concurrency)
"$count $($watch.Elapsed.TotalSeconds)"
