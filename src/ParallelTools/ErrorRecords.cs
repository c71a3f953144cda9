using System.Management.Automation;
using ParallelTools.Engine.Download;
using ParallelTools.Engine.Http;

namespace ParallelTools;

/// <summary>Builds the non-terminating error written for one failed item, with the item as target.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord ForFetch(string url, Exception error) => error switch
    {
        InvalidUrlException e => new ErrorRecord(e, "ParallelTools.InvalidUrl", ErrorCategory.InvalidArgument, url),
        HttpStatusException e => new ErrorRecord(e, "ParallelTools.HttpStatus", StatusCategory(e.StatusCode), url),
        FetchException { Failure: FetchFailure.Timeout } e => new ErrorRecord(e, "ParallelTools.Timeout", ErrorCategory.OperationTimeout, url),
        FetchException { Failure: FetchFailure.BodyTooLarge } e => new ErrorRecord(e, "ParallelTools.BodyTooLarge", ErrorCategory.LimitsExceeded, url),
        FetchException { Failure: FetchFailure.Redirect } e => new ErrorRecord(e, "ParallelTools.Redirect", ErrorCategory.InvalidOperation, url),
        System.Text.Json.JsonException e => new ErrorRecord(e, "ParallelTools.InvalidJson", ErrorCategory.InvalidData, url),
        FetchException e => new ErrorRecord(e, "ParallelTools.ConnectionFailed", ErrorCategory.ConnectionError, url),
        OperationCanceledException e => new ErrorRecord(e, "ParallelTools.Cancelled", ErrorCategory.OperationStopped, url),
        ArgumentException or FormatException => new ErrorRecord(error, "ParallelTools.InvalidInput", ErrorCategory.InvalidArgument, url),
        _ => new ErrorRecord(error, "ParallelTools.Failed", ErrorCategory.InvalidOperation, url),
    };

    public static ErrorRecord ForDownload(string url, Exception error) => error switch
    {
        DownloadException { Failure: DownloadFailure.UnsafeName } e => new ErrorRecord(e, "ParallelTools.UnsafeFileName", ErrorCategory.InvalidArgument, url),
        DownloadException { Failure: DownloadFailure.TargetExists } e => new ErrorRecord(e, "ParallelTools.FileExists", ErrorCategory.ResourceExists, url),
        DownloadException { Failure: DownloadFailure.NameConflict } e => new ErrorRecord(e, "ParallelTools.FileNameConflict", ErrorCategory.ResourceExists, url),
        DownloadException { Failure: DownloadFailure.HashMismatch } e => new ErrorRecord(e, "ParallelTools.HashMismatch", ErrorCategory.InvalidResult, url),
        DownloadException { Failure: DownloadFailure.BadResponse } e => new ErrorRecord(e, "ParallelTools.BadResponse", ErrorCategory.InvalidData, url),
        DownloadException e => new ErrorRecord(e, "ParallelTools.FileWriteFailed", ErrorCategory.WriteError, url),
        _ => ForFetch(url, error),
    };

    private static ErrorCategory StatusCategory(int status) => status switch
    {
        401 or 403 => ErrorCategory.PermissionDenied,
        404 or 410 => ErrorCategory.ObjectNotFound,
        408 or 504 => ErrorCategory.OperationTimeout,
        >= 500 => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.InvalidOperation,
    };
}
