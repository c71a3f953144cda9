using System.Management.Automation;
using ParallelTools.Engine.Workers;

namespace ParallelTools;

/// <summary>Writes what a worker's script produced to the caller's streams, tagged with the item.</summary>
internal static class WorkerOutput
{
    public static void Write(Cmdlet cmdlet, object? item, object? value)
    {
        if (value is not WorkerRecord record)
        {
            cmdlet.WriteObject(value);
            return;
        }
        string tagged = $"[{Describe(item)}] {record.Message}";
        switch (record.Kind)
        {
            case "Error":
                cmdlet.WriteError(new ErrorRecord(new WorkerScriptException(record.Message, record.ErrorId, record.Category, ""),
                    record.ErrorId, record.Category, item));
                break;
            case "Warning":
                cmdlet.WriteWarning(tagged);
                break;
            case "Verbose":
                cmdlet.WriteVerbose(tagged);
                break;
            case "Debug":
                cmdlet.WriteDebug(tagged);
                break;
            case "Information":
                var information = new InformationRecord(record.Message, $"[{Describe(item)}]");
                information.Tags.AddRange(record.Tags);
                cmdlet.WriteInformation(information);
                break;
        }
    }

    /// <summary>The one error for an item that failed: the script's own error id where there is one.</summary>
    public static ErrorRecord ErrorFor(object? item, Exception error, string command) => error switch
    {
        WorkerScriptException e => new ErrorRecord(e, e.ErrorId.Length > 0 ? e.ErrorId : "ParallelTools.ScriptFailed", e.Category, item),
        ItemTimeoutException e => new ErrorRecord(e, "ParallelTools.Timeout", ErrorCategory.OperationTimeout, item),
        WorkerDiedException e => new ErrorRecord(e, "ParallelTools.WorkerDied", ErrorCategory.ResourceUnavailable, item),
        WorkerStartException e => new ErrorRecord(e, "ParallelTools.WorkerStartFailed", ErrorCategory.OpenError, item),
        OperationCanceledException e => new ErrorRecord(e, "ParallelTools.Cancelled", ErrorCategory.OperationStopped, item),
        _ => new ErrorRecord(error, $"ParallelTools.{command}.Failed", ErrorCategory.NotSpecified, item),
    };

    private static string Describe(object? item)
    {
        string text = item is PSObject { BaseObject: var b } ? b?.ToString() ?? "" : item?.ToString() ?? "";
        return text.Length <= 40 ? text : text[..37] + "...";
    }
}
