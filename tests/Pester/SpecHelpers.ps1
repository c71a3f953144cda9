# Helpers the Pester specs share; dot-sourced in their BeforeAll.

# Seconds a script takes (its output discarded).
function Measure-Seconds([scriptblock] $Script) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $null = & $Script
    $watch.Elapsed.TotalSeconds
}
