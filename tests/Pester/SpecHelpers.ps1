# Helpers the Pester specs share; dot-sourced in their BeforeAll.

# Seconds a script takes (its output discarded).
function Measure-Seconds([scriptblock] $Script) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = & $Script
    $watch.Elapsed.TotalSeconds
}

# Runs a script in another PowerShell instance, stops it (Ctrl+C) after a pause, and returns the seconds Stop took.
function Stop-After([scriptblock] $Script, [object[]] $Arguments, [int] $Milliseconds) {
    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript($Script)
        foreach ($a in $Arguments) { $null = $ps.AddArgument($a) }
        $handle = $ps.BeginInvoke()
        Start-Sleep -Milliseconds $Milliseconds
        $handle.IsCompleted | Should -BeFalse
        $seconds = Measure-Seconds { $ps.Stop() }
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $seconds
    }
    finally { $ps.Dispose() }
}

# For the specs of what a map cmdlet's next call may reuse: the options to splat and the first
# call's scriptblock for a case's Setup (a hashtable of parameters; its ScriptBlock, if any, runs
# before the script outputs $WorkerId, an expression naming the worker). An ImportModule entry
# becomes the path of a module LeftBehind.psm1 written in $Folder.
function Get-LeftBehindCall([hashtable] $Setup, [string] $WorkerId, [string] $Folder) {
    $options = $Setup.Clone()
    $script = [scriptblock]::Create("$(if ($options.ScriptBlock) { $options.ScriptBlock }); $WorkerId")
    $options.Remove('ScriptBlock')
    if ($options.ImportModule) {
        $options.ImportModule = Join-Path $Folder 'LeftBehind.psm1'
        Set-Content $options.ImportModule 'function Get-FromLeftBehind { 1 }'
    }
    $options, $script
}

