<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks ParallelTools.
.DESCRIPTION
    Build (default): compiles Release and stages the importable module at out/ParallelTools.
    Test:  Package, then every xunit test and every Pester spec (in a fresh pwsh against the staged
           module); prints "tests: N passed, N failed, N skipped" and exits non-zero on any failure.
    Demo:  Build, start the local test server, and run a first pipeline against it.
    Bench: Build, then run the benchmark scenarios side by side with their peers and print ratios;
           the rows are saved to out/bench/results.json. With -UpdateAbout (a full run only), they
           are kept as src/ParallelTools/Help/about_ParallelTools.figures.json and the figures
           section of about_ParallelTools.help.txt beside it is rewritten from them. The PowerShell
           peers run on a ReadyToRun copy of this pwsh (Get-ReadyToRunPwsh), unless -IlOnlyPwsh. Each
           peer runs -Runs times (default 3) and its row is the median run.
    Package: Build, then a versioned module folder (out/package/ParallelTools/<version>) and the
           .nupkg Compress-PSResource makes of it (out/package/ParallelTools.<version>.nupkg), which
           Publish-PSResource -NupkgPath takes.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package')]
    [string] $Task = 'Build',

    # Bench only: which scenarios to run (default: all).
    [string[]] $Scenario,

    # Bench only: rewrite the figures section of about_ParallelTools from this run.
    [switch] $UpdateAbout,

    # Bench only: run the PowerShell peers on the pwsh that runs this script, as the dotnet tool
    # ships it (IL only), instead of on a ReadyToRun copy of it (see Get-ReadyToRunPwsh).
    [switch] $IlOnlyPwsh,

    # Bench only: timed runs of each peer; its row is the median run.
    [ValidateRange(1, 20)] [int] $Runs = 3
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'ParallelTools'
$Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
$TestServerDll = Join-Path $Root 'tests/ParallelTools.TestServer/bin/Release/net10.0/ParallelTools.TestServer.dll'

function Write-Step([string] $Message) {
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Invoke-Native([string] $What, [scriptblock] $Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE." }
}

function Invoke-BuildTask {
    Write-Step 'Build: compiling the solution (Release)'
    Invoke-Native 'dotnet build' { dotnet build (Join-Path $Root 'ParallelTools.sln') -c Release --nologo -v quiet -clp:NoSummary }

    Write-Step "Build: staging the module at $ModuleOut"
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    New-Item -ItemType Directory -Path $ModuleOut | Out-Null
    $bin = Join-Path $Root 'src/ParallelTools/bin/Release/net8.0'
    $files = 'ParallelTools.dll', 'ParallelTools.Engine.dll', 'ParallelTools.Format.ps1xml'
    foreach ($file in $files) { Copy-Item (Join-Path $bin $file) $ModuleOut }
    Copy-Item (Join-Path $Root 'ParallelTools.psd1') $ModuleOut

    Write-Step 'Build: generating MAML help from the cmdlets and src/ParallelTools/Help'
    & $Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'src/ParallelTools/Help/New-MamlHelp.ps1') `
        -ModulePath $ModuleOut -HelpSourcePath (Join-Path $Root 'src/ParallelTools/Help')
    if ($LASTEXITCODE -ne 0) { throw 'Help generation failed.' }
    Copy-Item (Join-Path $Root 'src/ParallelTools/Help/about_ParallelTools.help.txt') (Join-Path $ModuleOut 'en-US')

    $manifest = Test-ModuleManifest (Join-Path $ModuleOut 'ParallelTools.psd1')
    Write-Host "    ParallelTools $($manifest.Version) staged; Test-ModuleManifest passed."
}

function Get-PesterPath {
    Write-Step 'Test: restoring Pester 5.7.1 from NuGet'
    Invoke-Native 'restoring Pester' { dotnet restore (Join-Path $Root 'tests/Pester/PesterPackage.csproj') --nologo -v quiet }
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) {
        $line = dotnet nuget locals global-packages --list
        $packages = ($line -replace '^global-packages:\s*', '').Trim()
    }
    $path = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester was restored but $path is missing." }
    $path
}

function Invoke-XunitTests {
    Write-Step 'Test: xunit (dotnet test)'
    $results = Join-Path $Out 'TestResults'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    dotnet test (Join-Path $Root 'ParallelTools.sln') -c Release --no-build --nologo `
        --logger 'console;verbosity=normal' --logger trx --results-directory $results | Out-Host
    $exit = $LASTEXITCODE
    $counts = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $trxFiles = @(Get-ChildItem $results -Filter *.trx -ErrorAction SilentlyContinue)
    foreach ($trx in $trxFiles) {
        $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
        $counts.Passed += [int]$counters.passed
        $counts.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $counts.Skipped += [int]$counters.notExecuted
    }
    if ($exit -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1; Write-Warning "dotnet test exited with $exit." }
    if ($trxFiles.Count -eq 0) { $counts.Failed += 1; Write-Warning 'dotnet test wrote no results.' }
    $counts
}

function Invoke-PesterTests([string] $PesterPath, [string] $PackagePath) {
    Write-Step 'Test: Pester, in a fresh pwsh, against the staged module'
    $summary = Join-Path $Out 'pester-summary.json'
    if (Test-Path $summary) { Remove-Item $summary }
    & $Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Pester/Invoke-PesterSuite.ps1') `
        -PesterPath $PesterPath -ModulePath $ModuleOut -TestServerDll $TestServerDll -SummaryPath $summary -PackagePath $PackagePath | Out-Host
    $exit = $LASTEXITCODE
    if (-not (Test-Path $summary)) {
        Write-Warning "The Pester run ended (exit code $exit) without a summary."
        return [ordered]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $s = Get-Content $summary -Raw | ConvertFrom-Json
    [ordered]@{ Passed = [int]$s.Passed; Failed = [int]$s.Failed; Skipped = [int]$s.Skipped }
}

function Invoke-TestTask {
    Invoke-PackageTask
    $pester = Get-PesterPath
    $xunit = Invoke-XunitTests
    $specs = Invoke-PesterTests $pester (Get-NupkgPath)
    $passed = $xunit.Passed + $specs.Passed
    $failed = $xunit.Failed + $specs.Failed
    $skipped = $xunit.Skipped + $specs.Skipped
    Write-Host "    xunit:  $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped"
    Write-Host "    Pester: $($specs.Passed) passed, $($specs.Failed) failed, $($specs.Skipped) skipped"
    Write-Host "tests: $passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-DemoTask {
    Invoke-BuildTask
    Write-Step 'Demo: three pages from the local test server through Invoke-AsyncFetch, in input order'
    & $Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Demo.ps1') -ModulePath $ModuleOut -TestServerDll $TestServerDll
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

# PowerShell as its release packages ship it: the assemblies in its folder compiled ahead of time
# (ReadyToRun), where the dotnet tool's are IL only, so each pwsh process of the tool compiles
# PowerShell as it starts and runs (here: 0.65 s to start against 0.22 s). A copy of this pwsh's folder
# at out/pwsh-r2r with those assemblies compiled by tests/Bench/PwshReadyToRun (about 40 s, made again
# only when this pwsh or that project changes); returns its pwsh, or $null when it cannot be made here.
function Get-ReadyToRunPwsh {
    $folder = Join-Path $Out 'pwsh-r2r'
    $launcher = Join-Path $folder ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $project = Join-Path $Root 'tests/Bench/PwshReadyToRun/PwshReadyToRun.csproj'
    $source = "$PSHOME $((Get-FileHash $project).Hash)"
    $stamp = Join-Path $folder '.made-from'
    if ((Test-Path $stamp) -and (Get-Content $stamp -Raw).Trim() -eq $source) { return $launcher }

    Write-Step "Bench: compiling this PowerShell's assemblies ahead of time into $folder"
    $compiled = Join-Path $Out 'pwsh-r2r-compiled'
    $making = Join-Path $Out 'pwsh-r2r-making'
    try {
        foreach ($stale in $compiled, $making) { if (Test-Path $stale) { Remove-Item $stale -Recurse -Force } }
        # The framework this pwsh runs on, so a later pwsh on a later .NET is compiled against its own.
        $framework = (Get-Content (Join-Path $PSHOME 'pwsh.runtimeconfig.json') -Raw | ConvertFrom-Json).runtimeOptions.tfm
        dotnet publish $project -c Release --nologo -v quiet "-p:PwshDir=$PSHOME" "-p:TargetFramework=$framework" -o $compiled | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "dotnet publish exited with $LASTEXITCODE" }
        Copy-Item $PSHOME $making -Recurse
        Get-ChildItem $compiled -Filter *.dll | Where-Object { Test-Path (Join-Path $making $_.Name) } |
            Copy-Item -Destination $making -Force
        Set-Content (Join-Path $making '.made-from') $source
        if (Test-Path $folder) { Remove-Item $folder -Recurse -Force }
        Move-Item $making $folder
        $launcher
    }
    catch {
        Write-Warning "No ReadyToRun copy of pwsh ($_): the PowerShell peers run on the IL-only pwsh."
        $null
    }
    finally {
        if (Test-Path $compiled) { Remove-Item $compiled -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

function Invoke-BenchTask {
    if ($UpdateAbout -and $Scenario) { throw '-UpdateAbout rewrites every table: run it without -Scenario.' }
    if ($UpdateAbout -and $IlOnlyPwsh) { throw '-UpdateAbout records the ReadyToRun run: run it without -IlOnlyPwsh.' }
    Invoke-BuildTask
    $benchPwsh = $IlOnlyPwsh ? $null : (Get-ReadyToRunPwsh)
    if ($UpdateAbout -and -not $benchPwsh) { throw '-UpdateAbout records a run on the ReadyToRun copy of pwsh, which could not be made.' }
    Write-Step 'Bench: side by side with the peers (figures vary on a shared machine; compare ratios)'
    $results = Join-Path $Out 'bench/results.json'
    $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/Bench/Invoke-Bench.ps1'),
        '-ModulePath', $ModuleOut, '-TestServerDll', $TestServerDll, '-ResultsPath', $results)
    if ($Scenario) { $arguments += @('-Scenario', ($Scenario -join ',')) }
    $arguments += @('-Runs', $Runs)
    # Run on the ReadyToRun copy, every PowerShell peer runs on it too (and Invoke-ProcessMap's
    # workers, started from $PSHOME); the IL-only pwsh is passed on for the rows that show it.
    if ($benchPwsh) {
        $arguments += @('-IlOnlyPwshPath', $Pwsh)
        & $benchPwsh @arguments
    }
    else { & $Pwsh @arguments }
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    if ($UpdateAbout) {
        Write-Step 'Bench: rewriting the figures section of about_ParallelTools from this run'
        # Kept beside the topic, so a spec can check the section is exactly what this run generates.
        $kept = Join-Path $Root 'src/ParallelTools/Help/about_ParallelTools.figures.json'
        Copy-Item $results $kept
        & (Join-Path $Root 'src/ParallelTools/Help/Update-AboutFigures.ps1') -ResultsPath $kept `
            -AboutPath (Join-Path $Root 'src/ParallelTools/Help/about_ParallelTools.help.txt')
    }
}

function Get-ModuleVersion { (Import-PowerShellDataFile (Join-Path $Root 'ParallelTools.psd1')).ModuleVersion }

# The .nupkg -Task Package writes: out/package/ParallelTools.<version>.nupkg.
function Get-NupkgPath { Join-Path $Out "package/ParallelTools.$(Get-ModuleVersion).nupkg" }

function Invoke-PackageTask {
    Invoke-BuildTask
    $version = Get-ModuleVersion
    $package = Join-Path $Out 'package'
    Write-Step "Package: ParallelTools $version, a versioned module folder and its .nupkg, at $package"
    if (Test-Path $package) { Remove-Item $package -Recurse -Force }
    $folder = Join-Path $package "ParallelTools/$version"
    New-Item -ItemType Directory -Path $folder | Out-Null
    Copy-Item (Join-Path $ModuleOut '*') $folder -Recurse
    # PSResourceGet 1.1+ (shipped with PowerShell 7.5+) writes the .nupkg that Publish-PSResource -NupkgPath takes.
    & $Pwsh -NoProfile -NonInteractive -Command "Compress-PSResource -Path '$folder' -DestinationPath '$package' -ErrorAction Stop"
    if ($LASTEXITCODE -ne 0) { throw 'Compress-PSResource failed.' }
    $nupkg = Get-NupkgPath
    if (-not (Test-Path $nupkg)) { throw "Compress-PSResource did not write $nupkg." }
    Write-Host "    $folder"
    Write-Host "    $nupkg"
}

Push-Location $Root
try {
    switch ($Task) {
        'Build' { Invoke-BuildTask }
        'Test' { Invoke-TestTask }
        'Demo' { Invoke-DemoTask }
        'Bench' { Invoke-BenchTask }
        'Package' { Invoke-PackageTask }
    }
}
finally {
    Pop-Location
}
