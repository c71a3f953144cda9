# Runs the benchmark scenarios side by side with their peers, in one run, and prints ratios.
# Each peer runs as its own process under measure.py, which reports the whole process's wall time,
# CPU time and peak memory; each peer also reports its own timed phase ("<items> <seconds>", plus
# the phase's CPU seconds when the peer does more than the timed work, such as warm-up passes, and
# for the pwsh download peers its compile seconds and warm-up passes: see Measure-PeerRun).
# Each peer runs -Runs times and its row is the median run (PeerRuns.ps1): one run of half a second
# on a small shared machine is mostly noise.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $TestServerDll,
    [string] $Scenario = "fetch,processmap,download,threadmap",
    # Where the run's rows and a description of the machine are saved (JSON), for about_ParallelTools.
    [string] $ResultsPath,
    # When this run's pwsh is a ReadyToRun copy (build.ps1 makes one): the IL-only pwsh it was made
    # from, which a few rows of our cmdlets run on as well, to show what compiling ahead of time is worth.
    [string] $IlOnlyPwshPath,
    # Timed runs per peer.
    [ValidateRange(1, 20)] [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot '../TestServer.ps1')
. (Join-Path $PSScriptRoot 'PeerRuns.ps1')

$script:Python = (Get-Command python3 -ErrorAction SilentlyContinue).Source
$script:Pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
$script:IlOnlyPwsh = $IlOnlyPwshPath
$script:ModulePath = $ModulePath
$script:Results = [System.Collections.Generic.List[object]]::new()
$script:Section = ''
$script:FirstOfSection = $false
$script:PeerBudgetSec = 45 # a pwsh download peer's run of the 1 GiB file takes 10-15 s (warm-up and timed passes)

# Starts a table: the title is printed and recorded with the rows that follow.
function Write-Section([string] $Title) {
    $script:Section = $Title
    $script:FirstOfSection = $true
    Write-Host "--- $Title"
}

# Runs one peer; returns a row, or $null (with a note) when the peer cannot run here. -IlOnly: a
# PowerShell peer (Command starts with $Pwsh) run on the IL-only pwsh instead, in a run that has one.
# -Before: run before each run of the command (a download peer's empty folder).
function Invoke-Peer([string] $Name, [int] $Expected, [string[]] $Command, [switch] $IlOnly, [scriptblock] $Before) {
    if ($IlOnly) {
        if (-not $IlOnlyPwsh) { return }
        $Name += ', IL-only pwsh'
        $Command = @($IlOnlyPwsh) + $Command[1..($Command.Count - 1)]
    }
    if (-not $Python) { Write-Host "  (skipped ${Name}: python3 is needed to measure processes)"; return }
    # The first client process of a section ran slower than the next, whichever peer it was (fetch,
    # 64 KiB, ours on either pwsh, 4 orders: 0.50-0.68 s against 0.34-0.55 s next): the first peer of
    # each section runs once untimed first, so that every timed peer follows a client of its section.
    if ($FirstOfSection) {
        $script:FirstOfSection = $false
        if ($Before) { & $Before }
        $null = Measure-PeerRun $Command $Expected
    }
    $measured = Invoke-PeerRuns $Runs $PeerBudgetSec { Measure-PeerRun $Command $Expected }.GetNewClosure() $Before
    if (-not $measured[0].Ok) {
        Write-Host "  (${Name} failed: $($measured[0].Why))"
        return
    }
    $summary = Get-MedianRun $measured
    $median = $summary.Median
    $rate = $Expected / $median.Seconds
    [pscustomobject]@{
        Peer          = $Name
        Items         = $Expected
        TimedSec      = [math]::Round($median.Seconds, 3)
        Runs          = $summary.Count
        TimedRange    = '{0:0.000}-{1:0.000}' -f $summary.Fastest, $summary.Slowest
        PerSecond     = [math]::Round($rate, $rate -lt 100 ? 2 : 0)
        ProcessSec    = [math]::Round($median.ProcessSec, 2)
        CpuMsPerItem  = [math]::Round($median.Cpu * 1000 / $Expected, 3)
        TimedCpuSec   = [math]::Round($median.TimedCpu, 3)
        TimedJitSec   = $null -eq $median.TimedJit ? $null : [math]::Round($median.TimedJit, 3)
        WarmUps       = $median.WarmUps
        PeakMB        = [math]::Round(($measured.PeakMB | Measure-Object -Maximum).Maximum)
    }
}

# One run of a peer's command under measure.py: its timed phase, and what the whole process cost.
function Measure-PeerRun([string[]] $Command, [int] $Expected) {
    $line = & $Python (Join-Path $PSScriptRoot 'measure.py') @Command | Select-Object -Last 1
    $m = $line | ConvertFrom-Json
    # The peer's last line: "<items> <timed seconds>", and optionally the CPU seconds of its timed phase,
    # the seconds the .NET runtime spent compiling in it and how many warm-up passes came before it.
    $items, $seconds, $timedCpu, $timedJit, $warmUps = -split ("$($m.stdout)" -split '\r?\n' | Select-Object -Last 1)
    if ($m.exit -ne 0 -or [int]$items -ne $Expected) {
        return [pscustomobject]@{ Ok = $false; Why = "exit $($m.exit), $items of $Expected items" }
    }
    [pscustomobject]@{
        Ok = $true; Seconds = [double]$seconds; ProcessSec = [double]$m.wall; Cpu = [double]$m.cpu
        TimedCpu = $timedCpu ? [double]$timedCpu : [double]$m.cpu; PeakMB = [double]$m.peak_mb
        TimedJit = $timedJit ? [double]$timedJit : $null; WarmUps = $warmUps ? [int]$warmUps : $null
    }
}

# True when the assembly at Path holds code compiled ahead of time (a ReadyToRun image).
function Test-ReadyToRun([string] $Path) {
    $reader = [Reflection.PortableExecutable.PEReader]::new([IO.File]::OpenRead($Path)) # disposing it closes the file
    try {
        $header = $reader.PEHeaders.CorHeader
        return $null -ne $header -and $header.ManagedNativeHeaderDirectory.Size -gt 0
    }
    finally { $reader.Dispose() }
}

# Sends the scenario's own requests through the test server a few times before the first peer runs:
# the server's JIT then has settled, so no peer (the first one least of all) is measured against a cold
# server. curl is the lightest client for it; without curl, Invoke-AsyncFetch does it.
function Invoke-ServerWarmUp([string] $UrlFile, [int] $Passes = 4) {
    $curl = [bool](Get-Command curl -ErrorAction SilentlyContinue)
    foreach ($pass in 1..$Passes) {
        if ($curl) { $null = & bash (Join-Path $PSScriptRoot 'fetch_curl.sh') $UrlFile 64 }
        else { $null = & $Pwsh -NoProfile -File (Join-Path $PSScriptRoot 'fetch_ours.ps1') $ModulePath $UrlFile 64 }
    }
}

# Prints the rows with OursIsFaster: the first row's rate over each row's (the rate column is PerSecond unless named).
function Write-Ratios($Rows, [string] $Rate = 'PerSecond', [string] $Cost = 'CpuMsPerItem') {
    $Rows = @($Rows | Where-Object { $_ })
    if (-not $Rows) { return }
    $ours = $Rows[0]
    foreach ($row in $Rows) {
        $row | Add-Member -NotePropertyName 'OursIsFaster' -NotePropertyValue ([math]::Round($ours.$Rate / $row.$Rate, 2))
        $Results.Add([pscustomobject]@{
                Section = $Section; Peer = $row.Peer; Items = $row.Items; TimedSec = $row.TimedSec
                Runs = $row.Runs; TimedRange = $row.TimedRange
                RateName = $Rate; Rate = $row.$Rate; OursIsFaster = $row.OursIsFaster
                CostName = $Cost; Cost = $row.$Cost; PeakMB = $row.PeakMB; TimedJitSec = $row.TimedJitSec
                WarmUps = $row.WarmUps
            })
    }
    $columns = @('Peer', 'Items', 'TimedSec', 'Runs', 'TimedRange', $Rate, 'OursIsFaster', 'ProcessSec', $Cost, 'PeakMB')
    if ($Rows | Where-Object { $null -ne $_.TimedJitSec }) { $columns += 'TimedJitSec' } # the runtime compiling in the timed phase
    if ($Rows | Where-Object { $null -ne $_.WarmUps }) { $columns += 'WarmUps' } # warm-up passes before it (Measure-WarmPhase)
    $Rows | Format-Table $columns -AutoSize |
        Out-String -Width 240 | Out-Host
}

$server = Start-TestServer -Dll $TestServerDll
try {
    foreach ($name in $Scenario -split ',') {
        $path = Join-Path $PSScriptRoot "$name.bench.ps1"
        if (-not (Test-Path $path)) { throw "Unknown scenario '$name'." }
        & $path -Base $server.BaseUri
    }
}
finally {
    Stop-TestServer $server
}

if ($ResultsPath) {
    $cpu = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Select-String '^model name\s*:\s*(.+)$' | Select-Object -First 1)
    $memory = (Get-Content /proc/meminfo -ErrorAction SilentlyContinue | Select-String '^MemTotal:\s*(\d+)' | Select-Object -First 1)
    $machine = [ordered]@{
        Date       = (Get-Date).ToString('yyyy-MM-dd')
        Processor  = $cpu ? $cpu.Matches[0].Groups[1].Value.Trim() : 'unknown'
        Cores      = [Environment]::ProcessorCount
        MemoryGB   = $memory ? [math]::Round([double]$memory.Matches[0].Groups[1].Value / 1MB) : $null
        OS         = [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
        PowerShell = "$($PSVersionTable.PSVersion)"
        PowerShellReadyToRun = Test-ReadyToRun ([psobject].Assembly.Location)
        DotNet     = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
    }
    New-Item -ItemType Directory -Force -Path (Split-Path $ResultsPath) | Out-Null
    [ordered]@{ Machine = $machine; PeerBudgetSec = $PeerBudgetSec; Rows = $Results } | ConvertTo-Json -Depth 4 | Set-Content $ResultsPath
    Write-Host "Results saved to $ResultsPath"
}
