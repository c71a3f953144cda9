namespace ParallelTools;

/// <summary>The PowerShell that runs inside each worker (a pwsh process, or a runspace).</summary>
internal static class WorkerScripts
{
    /// <summary>
    /// Once per worker: defines the <c>$using:</c> values and the argument list as global variables
    /// (each value passed as its own argument, so it keeps a level of serialisation depth), sets the
    /// caller's stream preferences, defines the caller's functions and imports modules. Outputs the
    /// worker's process id.
    /// </summary>
    public const string Setup = """
        param([string[]] $Names, [int] $ArgumentCount, [string[]] $Modules, [hashtable] $Preferences, [hashtable] $Functions)
        for ($i = 0; $i -lt $Names.Count; $i++) { Set-Variable -Name $Names[$i] -Value $args[$i] -Scope Global }
        $__ptArguments = @(if ($ArgumentCount -gt 0) { $args[$Names.Count..($Names.Count + $ArgumentCount - 1)] })
        Set-Variable -Name __ptArguments -Value $__ptArguments -Scope Global
        foreach ($name in $Preferences.Keys) { Set-Variable -Name $name -Value $Preferences[$name] -Scope Global }
        foreach ($name in $Functions.Keys) { Set-Item -Path "function:global:$name" -Value ([scriptblock]::Create($Functions[$name])) }
        foreach ($module in $Modules) { Import-Module $module -Scope Global -ErrorAction Stop }
        $PID
        """;

    /// <summary>
    /// Runs for the whole call: takes batches of items from its input and runs the user's script on
    /// each item in turn (with <c>$_</c>, and as the first argument), writing the item's outputs as
    /// they come and then the end marker; a terminating error ends the item as a Failed envelope
    /// instead. Other streams (errors, warnings, ...) stay on their own streams: PowerShell remoting
    /// delivers them in the order they were written, between the same markers.
    /// </summary>
    /// <remarks>
    /// Running the user's text in place of the scriptblock call was measured too: it cut the cost of
    /// trivial items but ran CPU-heavy items at half speed in a worker process, so the scriptblock
    /// is invoked per item.
    /// </remarks>
    public const string Loop = """
        param([string] $__ptMarker, [string] $__ptScript)
        $__ptBlock = [scriptblock]::Create($__ptScript)
        foreach ($__ptBatch in $input) {
            foreach ($__ptItem in $__ptBatch) {
                $_ = $__ptItem
                try {
                    & $__ptBlock $__ptItem @__ptArguments
                    $__ptMarker
                }
                catch {
                    $position = if ($_.InvocationInfo) { $_.InvocationInfo.PositionMessage } else { '' }
                    [pscustomobject]@{ Marker = $__ptMarker; Kind = 'Failed'; Message = $_.Exception.Message; ErrorId = $_.FullyQualifiedErrorId; Category = [int]$_.CategoryInfo.Category; Tags = @($position) }
                }
            }
        }
        """;
}
