using System.Management.Automation;
using ParallelTools.Engine.Http;

namespace ParallelTools;

/// <summary>Builds the non-terminating error written for one failed item, with the item as target.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord ForFetch(string url, Exception error) => error switch
    {
        InvalidUrlException e => new ErrorRecord(e, "ParallelTools.InvalidUrl", ErrorCategory.InvalidArgument, url),
        FetchException { Failure: FetchFailure.Timeout } e => new ErrorRecord(e, "ParallelTools.Timeout", ErrorCategory.OperationTimeout, url),
        FetchException { Failure: FetchFailure.BodyTooLarge } e => new ErrorRecord(e, "ParallelTools.BodyTooLarge", ErrorCategory.LimitsExceeded, url),
        FetchException e => new ErrorRecord(e, "ParallelTools.ConnectionFailed", ErrorCategory.ConnectionError, url),
        OperationCanceledException e => new ErrorRecord(e, "ParallelTools.Cancelled", ErrorCategory.OperationStopped, url),
        _ => new ErrorRecord(error, "ParallelTools.Failed", ErrorCategory.NotSpecified, url),
    };
}
