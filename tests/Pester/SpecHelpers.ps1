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
