using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ParallelTools;

/// <summary>
/// What a call's scripts could leave in a runspace of this process that PowerShell's own
/// <see cref="Runspace.ResetRunspaceState"/> does not undo: functions, aliases, modules, drives,
/// providers, the language mode, strict mode, breakpoints and jobs. (The reset clears the global
/// variables, $Error, the location, event subscriptions and tracing.) A used runspace is reused for
/// the next call only when, after the reset, its snapshot is the one taken as it opened.
/// </summary>
internal sealed class RunspaceSnapshot
{
    // Run in a scope of its own, so its variables go with it (strict mode set globally still applies).
    // Functions by their scriptblocks; aliases, modules, drives and providers by the objects
    // themselves (Set-Alias makes a new one). A function redefined under its name keeps its
    // FunctionInfo but gets a new scriptblock. Get-Alias, not the alias: drive: a fifth of the cost.
    // Get-Module comes after any command here that may import its module.
    private const string Probe = """
        $__ptState = $ExecutionContext.SessionState
        $__ptState.LanguageMode
        try { $null = $__ptUnsetVariable; 'lax' } catch { 'strict' }
        foreach ($__ptFunction in $__ptState.InvokeProvider.Item.Get('function:\*')) { $__ptFunction.ScriptBlock }
        Get-Alias
        Get-Module
        $__ptState.Drive.GetAll()
        $__ptState.Provider.GetAll()
        "breakpoints=$(@([runspace]::DefaultRunspace.Debugger.GetBreakpoints()).Count)"
        "jobs=$(@(Get-Job).Count)"
        """;

    private readonly object?[] _parts;

    private RunspaceSnapshot(object?[] parts) => _parts = parts;

    /// <summary>Takes the snapshot of an open runspace with no pipeline running.</summary>
    public static RunspaceSnapshot Take(Runspace runspace)
    {
        using var probe = PowerShell.Create();
        probe.Runspace = runspace;
        var parts = probe.AddScript(Probe, useLocalScope: true).Invoke();
        if (probe.HadErrors)
            throw new InvalidOperationException($"the runspace state probe failed: {probe.Streams.Error.FirstOrDefault()}");
        return new RunspaceSnapshot(parts.Select(part => part?.BaseObject).ToArray());
    }

    public bool Matches(RunspaceSnapshot other) =>
        _parts.Length == other._parts.Length && _parts.Zip(other._parts).All(pair => SamePart(pair.First, pair.Second));

    private static bool SamePart(object? a, object? b) =>
        a is string or ValueType ? Equals(a, b) : ReferenceEquals(a, b);
}
