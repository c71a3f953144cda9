using System.Management.Automation;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using ParallelTools.Engine.Http;
using ParallelTools.Engine.Scheduling;

namespace ParallelTools;

/// <summary>Fetches many URLs concurrently with async I/O on one shared connection pool.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "AsyncFetch", DefaultParameterSetName = UrlSet)]
[OutputType(typeof(FetchResult))]
[OutputType(typeof(PSObject))] // -AsJson: the parsed body
public sealed class InvokeAsyncFetchCommand : HttpCmdlet<InvokeAsyncFetchCommand.Input, FetchResult>
{
    /// <summary>Requests in flight by default: the knee of the curve measured with build.ps1 -Task Bench.</summary>
    public const int DefaultThrottle = 64;

    private Fetcher? _fetcher;

    [Parameter(ParameterSetName = UrlSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = RowSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Uri")]
    [AllowEmptyString]
    [UrlText]
    public string Url { get; set; } = "";

    [Parameter(ParameterSetName = UrlSet)]
    [Parameter(ParameterSetName = RowSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(HttpMethodCompleter))]
    public string Method { get; set; } = "GET";

    [Parameter(ParameterSetName = UrlSet)]
    [Parameter(ParameterSetName = RowSet, ValueFromPipelineByPropertyName = true)]
    public object? Body { get; set; }

    [Parameter(ParameterSetName = UrlSet)]
    [Parameter(ParameterSetName = RowSet, ValueFromPipelineByPropertyName = true)]
    public string? ContentType { get; set; }

    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaximumResponseBytes { get; set; } = 64L * 1024 * 1024;

    [Parameter]
    public SwitchParameter AsByteArray { get; set; }

    [Parameter]
    public SwitchParameter AsJson { get; set; }

    [Parameter]
    public SwitchParameter SkipHttpErrorCheck { get; set; }

    protected override int DefaultThrottleLimit => DefaultThrottle;

    protected override int DefaultTimeoutSec => 100;

    protected override bool DecompressBodies => true;

    protected override void BeginProcessing()
    {
        if (AsByteArray && AsJson)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-AsByteArray and -AsJson cannot be used together."),
                "ParallelTools.ConflictingParameters", ErrorCategory.InvalidArgument, null));
        _fetcher = CreateFetcher(MaximumResponseBytes, AsByteArray);
        base.BeginProcessing();
    }

    /// <summary>One pipeline record as bound; turned into a request off the pipeline thread, so a bad row is that row's error.</summary>
    public sealed record Input(string Url, string Method, object? Headers, object? Body, string? ContentType);

    // An empty CSV cell counts as not given: GET, no body, the default content type.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void ProcessRecord()
    {
        object? body = Body is PSObject ps ? ps.BaseObject : Body; // a row's byte[] arrives wrapped
        Submit(new Input(Url, NullIfBlank(Method) ?? "GET", Headers, body is "" ? null : body, NullIfBlank(ContentType)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override Task<FetchResult> RunItemAsync(Input item, CancellationToken cancellationToken)
    {
        var request = ToRequest(item);
        CheckCredentialsAllowed(item.Url);
        var fetching = _fetcher!.FetchAsync(request, cancellationToken);
        return AsJson ? ParseJsonAsync(fetching) : fetching; // one async step less per request without -AsJson
    }

    private async Task<FetchResult> ParseJsonAsync(Task<FetchResult> fetching)
    {
        var result = await fetching.ConfigureAwait(false);
        if (result.Content is { Length: > 0 } json && (result.IsSuccessStatusCode || SkipHttpErrorCheck))
            result.Json = JsonToPowerShell.Parse(json);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override bool WriteOutcome(Outcome<Input, FetchResult> outcome)
    {
        string target = UrlRedactor.Redact(outcome.Item.Url);
        if (!outcome.Succeeded)
        {
            WriteError(ErrorRecords.ForFetch(target, outcome.Error!));
            return false;
        }
        var result = outcome.Result!;
        result.Detach();
        if (!result.IsSuccessStatusCode && result.StatusCode >= 400 && !SkipHttpErrorCheck)
        {
            WriteError(ErrorRecords.ForFetch(target, new HttpStatusException(result)));
            return false;
        }
        WriteObject(AsJson ? result.Json : result);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FetchRequest ToRequest(Input item) => new()
    {
        Url = item.Url,
        Method = HttpMethods.Parse(item.Method),
        Headers = RequestHeaders(item.Headers),
        Body = BodyBytes(item.Body),
        ContentType = item.Body is null ? null : item.ContentType ?? (item.Body is byte[] ? "application/octet-stream" : "text/plain; charset=utf-8"),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static byte[]? BodyBytes(object? body) => body switch
    {
        null => null,
        byte[] bytes => bytes,
        string text => Encoding.UTF8.GetBytes(text),
        _ => Encoding.UTF8.GetBytes(body.ToString() ?? ""),
    };
}
