# The ceiling for the fetch scenario: .NET's HttpClient driven directly from C# (compiled here, outside
# the timed phase), in a pwsh process like ours but without a pipeline: 64 requests in flight, each
# body read into an array. Prints "<responses> <timed seconds>". Compiled with optimisation, as our module
# is: in Add-Type's default debug build each body stayed referenced from the lambda's state, 15 MB
# survived each gen0 collection instead of 3-4 MB, and a 64 KiB pass took about a quarter longer.
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
'@ -CompilerOptions '-optimize+'
$urls = [IO.File]::ReadAllLines($UrlFile)
$null = [DirectHttpClient]::Fetch($urls[0..999], $Concurrency)  # warm-up, as every peer has
$watch = [Diagnostics.Stopwatch]::StartNew()
$count = [DirectHttpClient]::Fetch($urls, $Concurrency)
"$count $($watch.Elapsed.TotalSeconds)"
