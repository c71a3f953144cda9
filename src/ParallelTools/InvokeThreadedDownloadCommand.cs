using System.Management.Automation;
using ParallelTools.Engine.Download;
using ParallelTools.Engine.Http;
using ParallelTools.Engine.Scheduling;

namespace ParallelTools;

/// <summary>Downloads URLs to files, a bounded number at a time, each streamed to disk through a private .part file.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "ThreadedDownload", DefaultParameterSetName = UrlSet)]
[OutputType(typeof(DownloadResult))]
public sealed class InvokeThreadedDownloadCommand : HttpCmdlet<InvokeThreadedDownloadCommand.Input, DownloadResult>
{
    /// <summary>Downloads at once by default: chosen with build.ps1 -Task Bench (scenario "download").</summary>
    public const int DefaultThrottle = 8;

    private readonly TransferCounter _counter = new();
    private Downloader? _downloader;

    [Parameter(ParameterSetName = UrlSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = RowSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Uri")]
    [AllowEmptyString]
    [UrlText]
    public string Url { get; set; } = "";

    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = ".";

    [Parameter(ParameterSetName = UrlSet)]
    [Parameter(ParameterSetName = RowSet, ValueFromPipelineByPropertyName = true)]
    public string? OutFile { get; set; }

    [Parameter(ParameterSetName = UrlSet)]
    [Parameter(ParameterSetName = RowSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Sha256")]
    public string? ExpectedSha256 { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter SkipExisting { get; set; }

    [Parameter]
    public SwitchParameter Resume { get; set; }

    [Parameter]
    public SwitchParameter ComputeSha256 { get; set; }

    [Parameter]
    [ValidateRange(1, 64)]
    public int SegmentCount { get; set; } = 1;

    protected override int DefaultThrottleLimit => DefaultThrottle;

    protected override bool DecompressBodies => false;

    protected override Func<double, string>? ProgressDetail => seconds =>
    {
        double mib = _counter.Bytes / 1048576.0;
        return $"{mib:0.0} MiB, {mib / Math.Max(seconds, 0.001):0.0} MiB/s";
    };

    /// <summary>One pipeline record as bound.</summary>
    public sealed record Input(string Url, string? OutFile, string? ExpectedSha256, object? Headers);

    protected override void BeginProcessing()
    {
        if (Force && SkipExisting)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-Force and -SkipExisting cannot be used together."),
                "ParallelTools.ConflictingParameters", ErrorCategory.InvalidArgument, null));
        string destination = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
        try
        {
            _downloader = new Downloader(CreateFetcher(), new DownloadOptions
            {
                Destination = destination,
                ExistingFile = Force ? ExistingFilePolicy.Overwrite : SkipExisting ? ExistingFilePolicy.Skip : ExistingFilePolicy.Error,
                Resume = Resume,
                ComputeSha256 = ComputeSha256,
                SegmentCount = SegmentCount,
                Counter = _counter,
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ParallelTools.DestinationUnavailable", ErrorCategory.WriteError, destination));
        }
        base.BeginProcessing();
    }

    protected override void ProcessRecord() =>
        Submit(new Input(Url, NullIfBlank(OutFile), NullIfBlank(ExpectedSha256), Headers));

    protected override Task<DownloadResult> RunItemAsync(Input item, CancellationToken cancellationToken)
    {
        CheckCredentialsAllowed(item.Url);
        return _downloader!.DownloadAsync(new DownloadRequest
        {
            Url = item.Url,
            OutFile = item.OutFile,
            ExpectedSha256 = item.ExpectedSha256,
            Headers = RequestHeaders(item.Headers),
        }, cancellationToken);
    }

    protected override bool WriteOutcome(Outcome<Input, DownloadResult> outcome)
    {
        string target = UrlRedactor.Redact(outcome.Item.Url);
        if (!outcome.Succeeded)
        {
            WriteError(ErrorRecords.ForDownload(target, outcome.Error!));
            return false;
        }
        var result = outcome.Result!;
        if (result.Status == DownloadStatus.Failed)
        {
            WriteError(ErrorRecords.ForFetch(target, new HttpStatusException(result.Url, result.StatusCode, result.ReasonPhrase, result.Attempts)));
            return false;
        }
        WriteObject(result);
        return true;
    }
}
