# The package installs like any other module: the .nupkg that build.ps1 -Task Package made is
# published to a temporary local repository, installed with Install-PSResource in a fresh pwsh whose
# home folder is temporary, imported by name, and used for the project's three origin examples.
BeforeAll {
    . (Join-Path $PSScriptRoot '../TestServer.ps1')
    $script:Nupkg = $env:PARALLELTOOLS_PACKAGE
    $script:Server = Start-TestServer
    $script:Scratch = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "pt-install-$([guid]::NewGuid().ToString('n'))")).FullName

    # What a user types after installing; every line it prints is prefixed so the spec can find it.
    $script:UserScript = Join-Path $Scratch 'user.ps1'
    Set-Content $UserScript @'
param([string] $Nupkg, [string] $Repository, [string] $Base)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Register-PSResourceRepository -Name ParallelToolsLocal -Uri $Repository -Trusted
Publish-PSResource -NupkgPath $Nupkg -Repository ParallelToolsLocal
Install-PSResource -Name ParallelTools -Repository ParallelToolsLocal -Scope CurrentUser
Import-Module ParallelTools
"module: $((Get-Module ParallelTools).ModuleBase)"

$urls = "$Base/file/a.bin", "$Base/file/b.bin", "$Base/file/c.bin"
$urls | Invoke-ThreadedDownload -Destination ./downloads | ForEach-Object { "download: $($_.Url) to $($_.Path) ($($_.Length) bytes)" }

1..5 | Invoke-ProcessMap { $_ * $_ } | ForEach-Object { "square: $_" }

$page = 0
1..3 | ForEach-Object { "$Base/page/$_" } | Invoke-AsyncFetch | ForEach-Object { $page++; "page: Page $page length: $($_.Content.Length) characters" }

"about: $((Get-Help about_ParallelTools | Out-String) -replace '\s+', ' ')"
'@

    # A fresh pwsh: its module path, PSResourceGet settings and installs all live under the scratch folder.
    $info = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')))
    foreach ($arg in '-NoProfile', '-NonInteractive', '-File', $UserScript, $Nupkg, (Join-Path $Scratch 'repository'), $Server.BaseUri) {
        $info.ArgumentList.Add($arg)
    }
    # A user of their own: HOME holds the module path and PSResourceGet's settings (both under
    # ~/.local/share when XDG_DATA_HOME is unset, as on most machines). .NET ignores a per-user folder
    # that does not exist, so it is made first.
    foreach ($folder in 'repository', 'work', 'home/.local/share') { New-Item -ItemType Directory -Path (Join-Path $Scratch $folder) | Out-Null }
    $info.WorkingDirectory = Join-Path $Scratch 'work'
    $info.Environment['HOME'] = Join-Path $Scratch 'home'
    $info.Environment['LOCALAPPDATA'] = Join-Path $Scratch 'home/.local/share'
    foreach ($name in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME') { $info.Environment.Remove($name) | Out-Null }
    $info.Environment.Remove('PSModulePath') | Out-Null
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false

    $script:Lines = @()
    $script:Errors = ''
    $script:ExitCode = $null
    if ($Nupkg -and (Test-Path $Nupkg)) {
        $process = [System.Diagnostics.Process]::Start($info)
        $stderr = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        if (-not $process.WaitForExit(180000)) { $process.Kill($true) }
        $process.WaitForExit()
        $script:Lines = $stdout.Result -split '\r?\n'
        $script:Errors = $stderr.Result
        $script:ExitCode = $process.ExitCode
    }
}

AfterAll {
    Stop-TestServer $Server
    Remove-Item $Scratch -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The package from build.ps1 -Task Package' {
    It 'is a versioned .nupkg beside a versioned module folder' {
        $Nupkg | Should -Not -BeNullOrEmpty -Because 'build.ps1 -Task Test packages first and passes the path in PARALLELTOOLS_PACKAGE'
        $Nupkg | Should -Exist
        $version = (Import-PowerShellDataFile (Join-Path $env:PARALLELTOOLS_MODULE 'ParallelTools.psd1')).ModuleVersion
        Split-Path $Nupkg -Leaf | Should -Be "ParallelTools.$version.nupkg"
        Join-Path (Split-Path $Nupkg) "ParallelTools/$version/ParallelTools.psd1" | Should -Exist
    }

    It 'publishes, installs with Install-PSResource and imports by name in a fresh pwsh' {
        $ExitCode | Should -Be 0 -Because $Errors
        $base = ($Lines | Where-Object { $_ -like 'module: *' }) -replace '^module: '
        $base | Should -BeLike "$Scratch*" -Because 'the module must come from the temporary install, not from the build folder'
        Join-Path $base 'ParallelTools.psd1' | Should -Exist
    }

    It 'runs the threaded download example: a line per completed download' {
        $downloads = @($Lines | Where-Object { $_ -like 'download: *' })
        $downloads.Count | Should -Be 3
        $downloads[0] | Should -Match '/file/a\.bin to .*a\.bin \(\d+ bytes\)$'
        foreach ($name in 'a.bin', 'b.bin', 'c.bin') { Join-Path $Scratch "work/downloads/$name" | Should -Exist }
    }

    It 'runs the process map of squares: 1 4 9 16 25' {
        @($Lines | Where-Object { $_ -like 'square: *' }) -replace '^square: ' | Should -Be @('1', '4', '9', '16', '25')
    }

    It 'runs the async fetch of page lengths, in input order' {
        $pages = @($Lines | Where-Object { $_ -like 'page: *' }) -replace '^page: '
        $pages.Count | Should -Be 3
        $pages[0] | Should -Match '^Page 1 length: \d+ characters$'
        $lengths = $pages | ForEach-Object { [int]($_ -replace '^Page \d length: (\d+) characters$', '$1') }
        $expected = 1..3 | ForEach-Object { (Invoke-WebRequest "$($Server.BaseUri)/page/$_").Content.Length }
        $lengths | Should -Be $expected
    }

    It 'shows about_ParallelTools from the installed module' {
        $about = ($Lines | Where-Object { $_ -like 'about: *' })
        $about | Should -Match 'TOPIC about_ParallelTools'
        $about | Should -Match 'CHOOSING A CMDLET'
        $about | Should -Match 'THE PIPELINE CONTRACT'
    }
}
