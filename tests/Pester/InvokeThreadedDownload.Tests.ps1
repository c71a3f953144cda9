# Invoke-ThreadedDownload against the repo's test server: names, existing files, hashes, resume, stopping (progress: Family.Tests.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'SpecHelpers.ps1')
    . (Join-Path $PSScriptRoot '../TestServer.ps1')
    Import-Module $env:PARALLELTOOLS_MODULE -Force
    $script:Server = Start-TestServer
    $script:Base = $Server.BaseUri

    function New-Folder { (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "pt-dl-$([guid]::NewGuid().ToString('n'))")).FullName }
    function Get-Names($Folder) { @(Get-ChildItem -LiteralPath $Folder -Recurse -File -Force | ForEach-Object Name | Sort-Object) }
    function Get-ServerHash([string] $Query) { Invoke-RestMethod "$Base/filehash/$Query" }
}

AfterAll {
    Stop-TestServer $Server
}

Describe 'Invoke-ThreadedDownload' {
    BeforeEach { $script:Folder = New-Folder }
    AfterEach { Remove-Item -LiteralPath $Folder -Recurse -Force -ErrorAction SilentlyContinue }

    It 'downloads three URLs with a line per completed download (the origin example)' {
        $urls = "$Base/file/a.bin", "$Base/file/b.bin", "$Base/file/c.bin"
        $lines = $urls | Invoke-ThreadedDownload -Destination $Folder | ForEach-Object { "Downloaded $($_.Url) to $($_.Path)" }

        $lines | Should -Be ($urls | ForEach-Object { "Downloaded $_ to $(Join-Path $Folder ($_ -split '/')[-1])" })
        Get-Names $Folder | Should -Be @('a.bin', 'b.bin', 'c.bin')
        (Get-FileHash (Join-Path $Folder 'b.bin') -Algorithm SHA256).Hash | Should -Be (Get-ServerHash 'b.bin').ToUpper()
    }

    It 'outputs typed results with a compact default view' {
        $r = Invoke-ThreadedDownload "$Base/file/t.bin?size=5000" -Destination $Folder -ComputeSha256
        $r | Should -BeOfType ([ParallelTools.Engine.Download.DownloadResult])
        $r.Status | Should -Be 'Completed'
        $r.Length | Should -Be 5000
        $r.StatusCode | Should -Be 200
        $r.Attempts | Should -Be 1
        $r.Resumed | Should -BeFalse
        $r.Sha256 | Should -Be (Get-ServerHash 't.bin?size=5000')
        $text = $r | Out-String
        $text | Should -Match 'Status\s+Length'
        $text | Should -Match 'Completed\s+5000'
    }

    It 'creates -Destination when missing, defaulting to the current location' {
        $nested = Join-Path $Folder 'x/y'
        Invoke-ThreadedDownload "$Base/file/n.bin?size=10" -Destination $nested | Out-Null
        Test-Path (Join-Path $nested 'n.bin') | Should -BeTrue
        Push-Location $Folder
        try { (Invoke-ThreadedDownload "$Base/file/here.bin?size=10").Path | Should -Be (Join-Path $Folder 'here.bin') }
        finally { Pop-Location }
    }

    It 'keeps input order, and completion order with -Unordered' {
        $rows = @(
            [pscustomobject]@{ Url = "$Base/delay?ms=800&n=10"; OutFile = 'slow.bin' }
            [pscustomobject]@{ Url = "$Base/file/fast.bin?size=10"; OutFile = 'fast.bin' }
        )
        ($rows | Invoke-ThreadedDownload -Destination $Folder).Path | Split-Path -Leaf | Should -Be @('slow.bin', 'fast.bin')
        ($rows | Invoke-ThreadedDownload -Destination $Folder -Force -Unordered).Path | Split-Path -Leaf | Should -Be @('fast.bin', 'slow.bin')
    }

    It 'binds a row whose Url is a [uri], with its OutFile' {
        $row = [pscustomobject]@{ Url = [uri]"$Base/file/u.bin?size=10"; OutFile = 'from-uri-row.bin' }
        ($row | Invoke-ThreadedDownload -Destination $Folder).Path | Split-Path -Leaf | Should -Be 'from-uri-row.bin'
    }

    It 'takes a CSV manifest with OutFile and Sha256, and refuses a file whose hash differs' {
        $good = Get-ServerHash 'm1.bin?size=100000'
        $manifest = @"
Url,OutFile,Sha256
$Base/file/m1.bin?size=100000,sub/one.bin,$good
$Base/file/m2.bin?size=100000,two.bin,$('0' * 64)
"@ | ConvertFrom-Csv
        $results = $manifest | Invoke-ThreadedDownload -Destination $Folder -ErrorVariable errors -ErrorAction SilentlyContinue

        $results.Count | Should -Be 1
        $results.Sha256 | Should -Be $good
        $results.Path | Should -Be (Join-Path $Folder 'sub/one.bin')
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.HashMismatch,*'
        $errors[0].TargetObject | Should -Be "$Base/file/m2.bin?size=100000"
        Get-Names $Folder | Should -Be @('one.bin')
    }

    It 'names files by a sanitised Content-Disposition, and refuses an OutFile that escapes' {
        $r = Invoke-ThreadedDownload "$Base/disposition?name=..%2F..%2F.bashrc" -Destination $Folder
        $r.Path | Should -Be (Join-Path $Folder '_bashrc')

        $outside = [pscustomobject]@{ Url = "$Base/file/e.bin?size=10"; OutFile = '../escaped.bin' }
        $outside | Invoke-ThreadedDownload -Destination $Folder -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.UnsafeFileName,*'
        Test-Path (Join-Path $Folder '../escaped.bin') | Should -BeFalse
    }

    It 'treats an existing file as an error, replaces it with -Force, and skips it with -SkipExisting without a request' {
        $target = Join-Path $Folder 'x.bin'
        Set-Content $target 'old'
        Invoke-ThreadedDownload "$Base/file/x.bin?size=100" -Destination $Folder -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.FileExists,*'
        Get-Content $target | Should -Be 'old'

        # Port 1 is closed: a request would fail, so Skipped proves none was sent.
        (Invoke-ThreadedDownload 'http://127.0.0.1:1/x.bin' -Destination $Folder -SkipExisting).Status | Should -Be 'Skipped'
        Get-Content $target | Should -Be 'old'

        (Invoke-ThreadedDownload "$Base/file/x.bin?size=100" -Destination $Folder -Force).Length | Should -Be 100
        (Get-Item $target).Length | Should -Be 100
        { Invoke-ThreadedDownload "$Base/file/x.bin" -Destination $Folder -Force -SkipExisting } | Should -Throw '*cannot be used together*'
    }

    It 'never lets two inputs overwrite each other' {
        $urls = "$Base/file/same.bin?size=10&version=1", "$Base/file/same.bin?size=20&version=2"
        $results = $urls | Invoke-ThreadedDownload -Destination $Folder -ErrorVariable errors -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 1
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.FileNameConflict,*'
        Get-Names $Folder | Should -Be @('same.bin')
    }

    It 'gives exactly one outcome per input across good and failing URLs, and leaves no .part behind' {
        $urls = @(
            "$Base/file/ok1.bin?size=1000", 'not a url', "$Base/status/404", "$Base/file/stall.bin?size=3000000&stallAfter=1000000",
            'http://127.0.0.1:1/refused.bin', "$Base/file/ok2.bin?size=2000"
        )
        $results = $urls | Invoke-ThreadedDownload -Destination $Folder -IdleTimeoutSec 1 -ErrorVariable errors -ErrorAction SilentlyContinue
        ($results.Url + $errors.TargetObject | Sort-Object) | Should -Be ($urls | Sort-Object)
        $results.Count | Should -Be 2
        $errors.Count | Should -Be 4
        ($errors.FullyQualifiedErrorId -replace ',.*') | Sort-Object | Should -Be @('ParallelTools.ConnectionFailed', 'ParallelTools.HttpStatus', 'ParallelTools.InvalidUrl', 'ParallelTools.Timeout')
        Get-Names $Folder | Should -Be @('ok1.bin', 'ok2.bin')
    }

    It 'keeps the .part with -Resume and continues it on the next run; a changed file starts afresh' {
        $stalled = "$Base/file/r.bin?size=4000000&stallAfter=1500000"
        $row = [pscustomobject]@{ Url = $stalled; OutFile = 'r.bin' }
        $row | Invoke-ThreadedDownload -Destination $Folder -Resume -IdleTimeoutSec 1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-Names $Folder | Should -Be @('r.bin.part', 'r.bin.part.validator')
        (Get-Item (Join-Path $Folder 'r.bin.part')).Length | Should -Be 1500000

        $r = [pscustomobject]@{ Url = "$Base/file/r.bin?size=4000000"; OutFile = 'r.bin' } | Invoke-ThreadedDownload -Destination $Folder -Resume -ComputeSha256
        $r.Resumed | Should -BeTrue
        $r.Sha256 | Should -Be (Get-ServerHash 'r.bin?size=4000000')
        Get-Names $Folder | Should -Be @('r.bin')

        # The same again, but the server's file changed (version 2) between the runs.
        Remove-Item (Join-Path $Folder 'r.bin')
        $row | Invoke-ThreadedDownload -Destination $Folder -Resume -IdleTimeoutSec 1 -ErrorAction SilentlyContinue | Out-Null
        $changed = [pscustomobject]@{ Url = "$Base/file/r.bin?size=4000000&version=2"; OutFile = 'r.bin' } | Invoke-ThreadedDownload -Destination $Folder -Resume -ComputeSha256
        $changed.Resumed | Should -BeFalse
        $changed.Sha256 | Should -Be (Get-ServerHash 'r.bin?size=4000000&version=2')
    }

    It 'removes the .part of a failed download without -Resume' {
        Invoke-ThreadedDownload "$Base/file/f.bin?size=3000000&stallAfter=1000000" -Destination $Folder -IdleTimeoutSec 1 -ErrorAction SilentlyContinue | Out-Null
        Get-Names $Folder | Should -BeNullOrEmpty
    }

    It 'stops promptly on Ctrl+C with downloads in flight, closing and removing every .part' {
        $seconds = Stop-After -Milliseconds 1500 -Arguments $env:PARALLELTOOLS_MODULE, $Base, $Folder -Script {
            param($ModulePath, $Base, $Folder)
            Import-Module $ModulePath
            1..100 | ForEach-Object { "$Base/file/s$_.bin?size=3000000&stallAfter=500000" } | Invoke-ThreadedDownload -Destination $Folder
        }
        $seconds | Should -BeLessThan 5
        Get-Names $Folder | Should -BeNullOrEmpty
    }

    It 'stops promptly when Select-Object -First has enough' {
        $urls = @("$Base/file/first.bin?size=1000") + (1..50 | ForEach-Object { "$Base/file/s$_.bin?size=3000000&stallAfter=500000" })
        $seconds = Measure-Seconds { $urls | Invoke-ThreadedDownload -Destination $Folder -Unordered | Select-Object -First 1 }
        $seconds | Should -BeLessThan 10
        Get-Names $Folder | Should -Be @('first.bin')
    }

    It 'stops the whole pipeline on the first error with -ErrorAction Stop' {
        $urls = @("$Base/status/500") + (1..20 | ForEach-Object { "$Base/file/late$_.bin?size=1000" })
        { $urls | Invoke-ThreadedDownload -Destination $Folder -ThrottleLimit 1 -ErrorAction Stop } | Should -Throw '*500*'
        (Get-Names $Folder).Count | Should -BeLessThan 20
        Get-Names $Folder | Where-Object { $_ -like '*.part' } | Should -BeNullOrEmpty
    }

    It 'splits a large file over -SegmentCount range requests' {
        # Every response stalls after 4.5 MB: only three ranges of 4.33 MB each can finish the 13 MB file.
        $url = "$Base/file/seg.bin?size=13000000&stallAfter=4500000"
        $r = Invoke-ThreadedDownload $url -Destination $Folder -SegmentCount 3 -IdleTimeoutSec 2
        $r.Length | Should -Be 13000000
        (Get-FileHash $r.Path -Algorithm SHA256).Hash | Should -Be (Get-ServerHash 'seg.bin?size=13000000').ToUpper()
        Get-Names $Folder | Should -Be @('seg.bin')
    }

    It 'writes a file of 64 MiB or more (past the page cache on Linux) whole, in one stream or in segments' {
        $size = 64MB + 12345 # a short last block, written through the cache
        $expected = (Get-ServerHash "big.bin?size=$size").ToUpper()
        $r = Invoke-ThreadedDownload "$Base/file/big.bin?size=$size" -Destination $Folder -ComputeSha256
        $r.Length | Should -Be $size
        $r.Sha256.ToUpper() | Should -Be $expected
        (Get-FileHash $r.Path -Algorithm SHA256).Hash | Should -Be $expected
        $s = Invoke-ThreadedDownload "$Base/file/big.bin?size=$size" -Destination $Folder -OutFile 'segments.bin' -SegmentCount 3
        (Get-FileHash $s.Path -Algorithm SHA256).Hash | Should -Be $expected
        Get-Names $Folder | Should -Be @('big.bin', 'segments.bin')
    }

    It 'sends -Headers, and per-row Headers from the input' {
        Invoke-ThreadedDownload "$Base/echo" -Destination $Folder -OutFile 'a.json' -Headers @{ 'X-Trace' = 'abc' } | Out-Null
        (Get-Content (Join-Path $Folder 'a.json') -Raw | ConvertFrom-Json -AsHashtable).headers['X-Trace'] | Should -Be 'abc'
        [pscustomobject]@{ Url = "$Base/echo"; OutFile = 'b.json'; Headers = '{"X-Row":"r1"}' } | Invoke-ThreadedDownload -Destination $Folder | Out-Null
        (Get-Content (Join-Path $Folder 'b.json') -Raw | ConvertFrom-Json -AsHashtable).headers['X-Row'] | Should -Be 'r1'
    }

    It 'sets no whole-download time limit by default, and -TimeoutSec sets one' {
        $slow = "$Base/drip?n=40&chunk=10&intervalMs=400"
        (Invoke-ThreadedDownload $slow -Destination $Folder -OutFile 'slow.bin').Length | Should -Be 40
        Invoke-ThreadedDownload $slow -Destination $Folder -OutFile 'limited.bin' -TimeoutSec 1 -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.Timeout*'
        Get-Names $Folder | Should -Be @('slow.bin')
    }

    It 'lets -ThrottleLimit bound the downloads at once' {
        # Six 1 s downloads: at least 3 s two at a time, about 1 s six at a time (the bound between is wide for a busy machine).
        $rows = 1..6 | ForEach-Object { [pscustomobject]@{ Url = "$Base/delay?ms=1000&n=10&i=$_"; OutFile = "d$_.bin" } }
        (Measure-Seconds { $rows | Invoke-ThreadedDownload -Destination $Folder -ThrottleLimit 2 }) | Should -BeGreaterThan 2.5
        (Measure-Seconds { $rows | Invoke-ThreadedDownload -Destination $Folder -ThrottleLimit 6 -Force }) | Should -BeLessThan 2.5
    }
}
