using System.Management.Automation;
using ParallelTools.Engine.Http;
using ParallelTools.Engine.Scheduling;

namespace ParallelTools;

/// <summary>
/// <para type="synopsis">Fetches many URLs concurrently with async I/O on one shared connection pool.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "AsyncFetch")]
[OutputType(typeof(FetchResult))]
public sealed class InvokeAsyncFetchCommand : ScheduledCmdlet<string, FetchResult>
{
    /// <summary>Measured on a 2-core machine against the local test server; see README.</summary>
    public const int DefaultThrottle = 64;

    private Fetcher? _fetcher;

    /// <summary>The URL to fetch: a string, a [uri], or an object with a Url or Uri property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Uri")]
    [AllowEmptyString]
    public string Url { get; set; } = "";

    /// <summary>Seconds the whole request, body included, may take.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; } = 100;

    protected override int DefaultThrottleLimit => DefaultThrottle;

    protected override void BeginProcessing()
    {
        var client = HttpClientCache.Get(new HttpClientSettings());
        _fetcher = new Fetcher(client, new FetchOptions { Timeout = TimeSpan.FromSeconds(TimeoutSec) });
        base.BeginProcessing();
    }

    protected override void ProcessRecord() => Submit(Url);

    protected override Task<FetchResult> RunItemAsync(string item, CancellationToken cancellationToken) =>
        _fetcher!.FetchAsync(item, cancellationToken);

    protected override void WriteOutcome(Outcome<string, FetchResult> outcome)
    {
        if (outcome.Succeeded)
            WriteObject(outcome.Result);
        else
            WriteError(ErrorRecords.ForFetch(outcome.Item, outcome.Error!));
    }
}
