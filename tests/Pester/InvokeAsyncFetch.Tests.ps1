BeforeAll {
    . (Join-Path $PSScriptRoot 'SpecHelpers.ps1')
    . (Join-Path $PSScriptRoot '../TestServer.ps1')
    Import-Module $env:PARALLELTOOLS_MODULE -Force
    $script:Server = Start-TestServer
    $script:Base = $Server.BaseUri

}

AfterAll {
    Stop-TestServer $Server
}

Describe 'Invoke-AsyncFetch' {
    It 'fetches each URL and outputs a typed result in input order' {
        $urls = 1..3 | ForEach-Object { "$Base/page/$_" }
        $results = $urls | Invoke-AsyncFetch

        $results.Count | Should -Be 3
        $results[0] | Should -BeOfType ([ParallelTools.Engine.Http.FetchResult])
        $results.Url | Should -Be $urls
        $results.StatusCode | Should -Be @(200, 200, 200)
        $results[0].Content | Should -Match 'Page 1'
        $results[2].Content | Should -Match 'Page 3'
        foreach ($r in $results) { $r.Length | Should -Be ([Text.Encoding]::UTF8.GetByteCount($r.Content)) }
        ($results.ForEach('Length') | Select-Object -Unique).Count | Should -Be 3
    }

    It 'keeps input order when earlier URLs are slower' {
        $urls = "$Base/delay?ms=600&n=1", "$Base/delay?ms=300&n=2", "$Base/bytes?n=3"
        ($urls | Invoke-AsyncFetch).Url | Should -Be $urls
    }

    It 'gives completion order with -Unordered' {
        $urls = @("$Base/delay?ms=1500&n=1") + (1..5 | ForEach-Object { "$Base/bytes?n=$_" })
        $results = $urls | Invoke-AsyncFetch -Unordered
        $results.Count | Should -Be 6
        $results[-1].Url | Should -Be $urls[0]
    }

    It 'binds a Url or Uri property by name, and [uri] values' {
        $inputs = @(
            [pscustomobject]@{ Url = "$Base/bytes?n=10" }
            [pscustomobject]@{ Uri = "$Base/bytes?n=20" }
            [uri]"$Base/bytes?n=30"
        )
        ($inputs | Invoke-AsyncFetch).ForEach('Length') | Should -Be @(10, 20, 30)
    }

    It 'accepts URLs as an argument as well as from the pipeline' {
        (Invoke-AsyncFetch -Url "$Base/bytes?n=5").Length | Should -Be 5
    }

    It 'writes one error per bad item, naming it, and goes on with the rest' {
        $inputs = "$Base/bytes?n=1", 'not a url', 'ftp://example.invalid/x', "$Base/bytes?n=2", 'http://127.0.0.1:1/refused', "$Base/abort?n=100000&after=1000", "$Base/bytes?n=3"
        $results = $inputs | Invoke-AsyncFetch -ErrorVariable errs -ErrorAction SilentlyContinue

        $results.ForEach('Length') | Should -Be @(1, 2, 3)
        $errs.Count | Should -Be 4
        $errs.TargetObject | Should -Be @($inputs[1], $inputs[2], $inputs[4], $inputs[5])
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.InvalidUrl*'
        $errs[0].Exception.Message | Should -BeLike "*'not a url'*"
        $errs[1].Exception.Message | Should -BeLike "*scheme 'ftp'*"
        $errs[2].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.ConnectionFailed*'
        $errs[2].Exception.Message | Should -BeLike "*127.0.0.1:1*"
        $errs[3].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.ConnectionFailed*'
    }

    It 'gives exactly one outcome per input across a mix of good and failing URLs' {
        $inputs = foreach ($i in 1..60) {
            switch ($i % 4) {
                0 { "$Base/bytes?n=$i" }
                1 { "bad url $i" }
                2 { "$Base/abort?n=5000&after=10&i=$i" }
                3 { "$Base/delay?ms=$($i % 7 * 10)&n=$i" }
            }
        }
        $results = $inputs | Invoke-AsyncFetch -ThrottleLimit 8 -ErrorVariable errs -ErrorAction SilentlyContinue
        ($results.Count + $errs.Count) | Should -Be 60
        $outcomeItems = @($results.Url) + @($errs.TargetObject)
        $outcomeItems | Sort-Object | Should -Be ($inputs | Sort-Object)
    }

    It 'lets -ThrottleLimit bound the requests in flight' {
        $urls = 1..6 | ForEach-Object { "$Base/delay?ms=400&i=$_" }
        # Two at a time, six requests of 0.4 s cannot finish in less than three rounds.
        $seconds = Measure-Seconds { $urls | Invoke-AsyncFetch -ThrottleLimit 2 }
        $seconds | Should -BeGreaterThan 1.1
    }

    It 'ends a request that exceeds -TimeoutSec with a timeout error' {
        $seconds = Measure-Seconds {
            Invoke-AsyncFetch "$Base/delay?ms=20000" -TimeoutSec 1 -ErrorVariable script:timeoutErrors -ErrorAction SilentlyContinue
        }
        $timeoutErrors.Count | Should -Be 1
        $timeoutErrors[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.Timeout*'
        $seconds | Should -BeLessThan 10
    }

    It 'streams: results come out while input is still arriving' {
        $log = [System.Collections.Concurrent.ConcurrentQueue[string]]::new()
        & {
            foreach ($i in 1..4) {
                $log.Enqueue("in $i")
                "$Base/bytes?n=$i"
                Start-Sleep -Milliseconds 400
            }
        } | Invoke-AsyncFetch | ForEach-Object { $log.Enqueue("out $($_.Length)") }

        $order = @($log)
        $order.Count | Should -Be 8
        [array]::IndexOf($order, 'out 1') | Should -BeLessThan ([array]::IndexOf($order, 'in 4'))
    }

    It 'stops promptly when Select-Object -First has enough' {
        $urls = 1..10000 | ForEach-Object { "$Base/delay?ms=300&i=$_" }
        $seconds = Measure-Seconds { $script:firstThree = $urls | Invoke-AsyncFetch | Select-Object -First 3 }
        $firstThree.Count | Should -Be 3
        $firstThree.Url | Should -Be $urls[0..2]
        # 10,000 requests at 64 in flight would take about 47 s.
        $seconds | Should -BeLessThan 8
    }

    It 'stops the whole pipeline on the first error with -ErrorAction Stop' {
        $urls = @('not a url') + (1..200 | ForEach-Object { "$Base/delay?ms=2000&i=$_" })
        $seconds = Measure-Seconds {
            { $urls | Invoke-AsyncFetch -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'not a url'*"
        }
        $seconds | Should -BeLessThan 8
    }

    It 'stops promptly on Ctrl+C (PowerShell.Stop) with requests in flight' {
        $seconds = Stop-After -Milliseconds 1500 -Arguments $env:PARALLELTOOLS_MODULE, $Base -Script {
            param($ModulePath, $Base)
            Import-Module $ModulePath
            1..1000 | ForEach-Object { "$Base/delay?ms=30000&i=$_" } | Invoke-AsyncFetch
        }
        $seconds | Should -BeLessThan 5
    }

    It 'shows results as a compact table by default' {
        $text = Invoke-AsyncFetch "$Base/bytes?n=42" | Out-String
        $text | Should -Match 'Status'
        $text | Should -Match '\b42\b'
        $text | Should -Not -Match 'RawContent'
    }
}
