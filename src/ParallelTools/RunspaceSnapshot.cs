using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ParallelTools;

/// <summary>
/// What a call's scripts could leave in a worker's runspace that PowerShell's own
/// <see cref="Runspace.ResetRunspaceState"/> does not undo: functions, aliases, modules, drives,
/// providers, the language mode, strict mode, breakpoints and jobs; in a worker process also its
/// environment variables, current directory and the assemblies loaded from outside PowerShell and
/// .NET. (The reset clears the global variables, $Error, the location, event subscriptions and
/// tracing.) A used worker is reused for the next call only when, after the reset, its snapshot is
/// the one taken as it was made ready.
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

    // In a worker process, the same as text (objects come back as copies), with what the process holds.
    // A function's text by its hash (stable within the process), the environment likewise.
    private const string ProcessProbe = """
        $__ptState = $ExecutionContext.SessionState
        $__ptRoots = @($PSHOME, [Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory())
        @(
            "language=$($__ptState.LanguageMode)"
            try { $null = $__ptUnsetVariable; 'lax' } catch { 'strict' }
            foreach ($__ptFunction in $__ptState.InvokeProvider.Item.Get('function:\*')) { "function $($__ptFunction.Name)=$($__ptFunction.Definition.GetHashCode())" }
            foreach ($__ptAlias in Get-Alias) { "alias $($__ptAlias.Name)=$($__ptAlias.Definition)" }
            foreach ($__ptModule in Get-Module) { "module $($__ptModule.Name) $($__ptModule.Version) $($__ptModule.Path)" }
            foreach ($__ptDrive in $__ptState.Drive.GetAll()) { "drive $($__ptDrive.Name)=$($__ptDrive.Root)" }
            foreach ($__ptProvider in $__ptState.Provider.GetAll()) { "provider $($__ptProvider.Name)" }
            "breakpoints=$(@([runspace]::DefaultRunspace.Debugger.GetBreakpoints()).Count)"
            "jobs=$(@(Get-Job).Count)"
            "directory=$([Environment]::CurrentDirectory)"
            "environment=$((@(Get-ChildItem env: | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join "`n").GetHashCode())"
            foreach ($__ptAssembly in [AppDomain]::CurrentDomain.GetAssemblies()) {
                if ($__ptAssembly.IsDynamic -or -not $__ptAssembly.Location -or -not @($__ptRoots | Where-Object { $__ptAssembly.Location.StartsWith($_) })) { "assembly $($__ptAssembly.FullName)" }
            }
        ) -join "`n"
        """;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Runspace, RunspaceSnapshot> Kept = new();

    private readonly object?[] _parts;

    private RunspaceSnapshot(object?[] parts) => _parts = parts;

    /// <summary>Takes the snapshot of an open runspace with no pipeline running.</summary>
    public static RunspaceSnapshot Take(Runspace runspace)
    {
        using var probe = PowerShell.Create();
        probe.Runspace = runspace;
        var parts = probe.AddScript(runspace.RunspaceIsRemote ? ProcessProbe : Probe, useLocalScope: true).Invoke();
        if (probe.HadErrors)
            throw new InvalidOperationException($"the runspace state probe failed: {probe.Streams.Error.FirstOrDefault()}");
        return new RunspaceSnapshot(parts.Select(part => part?.BaseObject).ToArray());
    }

    /// <summary>Takes and keeps the snapshot of a worker process's runspace made ready for a call.</summary>
    public static void Remember(Runspace runspace) => Kept.AddOrUpdate(runspace, Take(runspace));

    /// <summary>The snapshot <see cref="Remember"/> kept, if any.</summary>
    public static RunspaceSnapshot? Remembered(Runspace runspace) => Kept.TryGetValue(runspace, out var snapshot) ? snapshot : null;

    /// <summary>
    /// Resets a runspace whose call has ended (its pipeline finished) and tells whether it is now as
    /// <paramref name="opened"/> saw it: if not, or if it cannot be reset, it is for closing.
    /// </summary>
    public static bool ResetTo(Runspace runspace, RunspaceSnapshot opened)
    {
        // The runspace becomes available just after its pipeline has ended.
        if (!SpinWait.SpinUntil(() => runspace.RunspaceAvailability == RunspaceAvailability.Available, 1000)
            || runspace.RunspaceStateInfo.State != RunspaceState.Opened)
            return false;
        runspace.ResetRunspaceState();
        return Take(runspace).Matches(opened);
    }

    public bool Matches(RunspaceSnapshot other) =>
        _parts.Length == other._parts.Length && _parts.Zip(other._parts).All(pair => SamePart(pair.First, pair.Second));

    private static bool SamePart(object? a, object? b) =>
        a is string or ValueType ? Equals(a, b) : ReferenceEquals(a, b);
}
