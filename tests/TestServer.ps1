# Starts and stops the repo's own HTTP test server (tests/ParallelTools.TestServer) on 127.0.0.1.
# Dot-sourced by the Pester specs, the demo and the benchmarks.

function Start-TestServer {
    [CmdletBinding()]
    param(
        [string] $Dll = $env:PARALLELTOOLS_TESTSERVER,
        # A folder to serve under /static/ (the download benchmark's files).
        [string] $FileRoot
    )

    if (-not $Dll -or -not (Test-Path $Dll)) { throw "The test server is not built (looked for '$Dll'); run ./build.ps1 first." }
    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($arg in $Dll, '--port', '0', '--exit-on-stdin-eof') { $info.ArgumentList.Add($arg) }
    if ($FileRoot) { $info.ArgumentList.Add('--file-root'); $info.ArgumentList.Add($FileRoot) }
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true     # closing it (or our exit) stops the server
    $info.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $firstLine = $process.StandardOutput.ReadLineAsync()
    if (-not $firstLine.Wait([TimeSpan]::FromSeconds(60)) -or $firstLine.Result -notmatch '^listening (http://\S+?)/?$') {
        $process.Kill($true)
        throw "The test server did not report its address (got '$($firstLine.Result)')."
    }
    $baseUri = $Matches[1]
    $secondLine = $process.StandardOutput.ReadLine()
    $http2BaseUri = if ($secondLine -match '^listening-h2 (http://\S+?)/?$') { $Matches[1] }
    [pscustomobject]@{ BaseUri = $baseUri; Http2BaseUri = $http2BaseUri; Process = $process }
}

function Stop-TestServer {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Server)

    $process = $Server.Process
    if ($process.HasExited) { return }
    $process.StandardInput.Close()
    if (-not $process.WaitForExit(5000)) { $process.Kill($true); $process.WaitForExit() }
    $process.Dispose()
}
