using System.Management.Automation;

namespace ParallelTools;

/// <summary>A record a worker's script wrote to a stream other than output, on its way to the caller's stream.</summary>
internal sealed record WorkerRecord(string Kind, string Message, string ErrorId, ErrorCategory Category, string[] Tags)
{
    /// <summary>Reads an envelope the worker loop wrote, or returns null for an ordinary output.</summary>
    public static WorkerRecord? FromEnvelope(PSObject envelope, string marker)
    {
        // The marker, unique to the call, is what proves an envelope. Not TypeNames: reading them takes
        // a process-wide lock, and with every output checked from many runspaces that lock was a
        // quarter of Invoke-ThreadMap's time.
        if (envelope.BaseObject is not PSCustomObject || envelope.Properties["Marker"]?.Value?.ToString() != marker)
            return null;
        string Text(string name) => envelope.Properties[name]?.Value?.ToString() ?? "";
        var tags = envelope.Properties["Tags"]?.Value switch
        {
            PSObject { BaseObject: System.Collections.IEnumerable list } => list.Cast<object>().Select(t => t.ToString()!).ToArray(),
            System.Collections.IEnumerable list and not string => list.Cast<object>().Select(t => t.ToString()!).ToArray(),
            _ => [],
        };
        int category = int.TryParse(Text("Category"), out int c) ? c : 0;
        return new WorkerRecord(Text("Kind"), Text("Message"), Text("ErrorId"), (ErrorCategory)category, tags);
    }
}

/// <summary>The user's script threw (a terminating error) while running an item in a worker.</summary>
internal sealed class WorkerScriptException(string message, string errorId, ErrorCategory category, string position)
    : Exception(message)
{
    public string ErrorId { get; } = errorId;
    public ErrorCategory Category { get; } = category;
    public string Position { get; } = position;
}
