# Invoke-AsyncFetch: what is sent, how failures, retries, redirects and bodies are handled (progress: Family.Tests.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot '../TestServer.ps1')
    Import-Module $env:PARALLELTOOLS_MODULE -Force
    $script:Server = Start-TestServer
    $script:Base = $Server.BaseUri
    $script:Port = ([uri]$Base).Port

    function Get-Echo($Result) { $Result.Content | ConvertFrom-Json -AsHashtable }
    function New-Key { [guid]::NewGuid().ToString('n') }
}

AfterAll {
    Stop-TestServer $Server
}

Describe 'Invoke-AsyncFetch requests' {
    It 'sends -Method, -Headers, -Body and -ContentType' {
        $r = Invoke-AsyncFetch "$Base/echo" -Method Put -Headers @{ 'X-Trace' = 'abc' } -Body '{"n":1}' -ContentType 'application/json'
        $echo = Get-Echo $r
        $echo.method | Should -Be 'PUT'
        $echo.body | Should -Be '{"n":1}'
        $echo.headers['X-Trace'] | Should -Be 'abc'
        $echo.headers['Content-Type'] | Should -BeLike 'application/json*'
    }

    It 'sends a ParallelTools user agent by default, and -UserAgent when given' {
        (Get-Echo (Invoke-AsyncFetch "$Base/echo")).headers['User-Agent'] | Should -BeLike 'ParallelTools/*'
        (Get-Echo (Invoke-AsyncFetch "$Base/echo" -UserAgent 'probe/1')).headers['User-Agent'] | Should -Be 'probe/1'
    }

    It 'takes Url, Method, Headers and Body per row from Import-Csv' {
        $csv = Join-Path $TestDrive 'requests.csv'
        @(
            [pscustomobject]@{ Url = "$Base/echo"; Method = 'GET'; Headers = ''; Body = '' }
            [pscustomobject]@{ Url = "$Base/echo"; Method = 'POST'; Headers = '{"X-Row":"2"}'; Body = 'row two' }
        ) | Export-Csv $csv
        $results = Import-Csv $csv | Invoke-AsyncFetch
        $first, $second = $results | ForEach-Object { Get-Echo $_ }
        $first.method | Should -Be 'GET'
        $second.method | Should -Be 'POST'
        $second.body | Should -Be 'row two'
        $second.headers['X-Row'] | Should -Be '2'
    }

    It 'binds strings, rows and [uri] mixed in one stream, and a -Method from the command line to each string' {
        $inputs = "$Base/echo", [pscustomobject]@{ Url = "$Base/echo"; Method = 'PUT'; Body = 'row' }, [uri]"$Base/echo"
        $echoes = $inputs | Invoke-AsyncFetch | ForEach-Object { Get-Echo $_ }
        $echoes.method | Should -Be @('GET', 'PUT', 'GET')
        $echoes[1].body | Should -Be 'row'

        $posted = "$Base/echo", "$Base/echo" | Invoke-AsyncFetch -Method POST -Body 'b' | ForEach-Object { Get-Echo $_ }
        $posted.method | Should -Be @('POST', 'POST')
        $posted.body | Should -Be @('b', 'b')
    }

    It 'treats an empty CSV cell as not given, and lets the command line win over a row' {
        $rows = @"
Url,Method,Body,ContentType
$Base/echo,,,
$Base/echo,PUT,row body,
"@ | ConvertFrom-Csv
        $echoes = $rows | Invoke-AsyncFetch | ForEach-Object { Get-Echo $_ }
        $echoes.method | Should -Be @('GET', 'PUT')
        $echoes[0].bodyLength | Should -Be 0
        $echoes[0].headers.Keys | Should -Not -Contain 'Content-Type'
        $echoes[1].body | Should -Be 'row body'
        $echoes[1].headers['Content-Type'] | Should -Be 'text/plain; charset=utf-8'

        $overridden = $rows | Invoke-AsyncFetch -Method POST -Body 'cli' | ForEach-Object { Get-Echo $_ }
        $overridden.method | Should -Be @('POST', 'POST')
        $overridden.body | Should -Be @('cli', 'cli')
    }

    It 'takes -Headers from ConvertFrom-Json, and sends a byte body from a row as application/octet-stream' {
        $headers = '{"X-Json":"j1"}' | ConvertFrom-Json
        (Get-Echo (Invoke-AsyncFetch "$Base/echo" -Headers $headers)).headers['X-Json'] | Should -Be 'j1'

        $bytes = Join-Path $TestDrive 'body.bin'
        [IO.File]::WriteAllBytes($bytes, [byte[]](1, 2, 3))
        $row = [pscustomobject]@{ Url = "$Base/echo"; Method = 'POST'; Body = (Get-Content $bytes -AsByteStream -Raw) }
        $echo = Get-Echo ($row | Invoke-AsyncFetch)
        $echo.bodyLength | Should -Be 3
        $echo.headers['Content-Type'] | Should -Be 'application/octet-stream'
    }

    It 'binds a row whose Url or Uri property is a [uri], with its other properties' {
        $rows = [pscustomobject]@{ Url = [uri]"$Base/echo"; Method = 'PUT' }, [pscustomobject]@{ Uri = [uri]"$Base/echo" }
        $echoes = $rows | Invoke-AsyncFetch | ForEach-Object { Get-Echo $_ }
        $echoes.method | Should -Be @('PUT', 'GET')
    }

    It 'sends a bearer token only over https unless -AllowUnencryptedAuthentication' {
        $token = ConvertTo-SecureString 'tok-123' -AsPlainText -Force
        $null = Invoke-AsyncFetch "$Base/echo" -Authentication Bearer -Token $token -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -BeLike '*unencrypted*'
        $errs[0].Exception.Message | Should -Not -BeLike '*tok-123*'

        $r = Invoke-AsyncFetch "$Base/echo" -Authentication Bearer -Token $token -AllowUnencryptedAuthentication
        (Get-Echo $r).headers['Authorization'] | Should -Be 'Bearer tok-123'
    }

    It 'sends -Credential as Basic authorization' {
        $credential = [pscredential]::new('ann', (ConvertTo-SecureString 'pw' -AsPlainText -Force))
        $r = Invoke-AsyncFetch "$Base/echo" -Credential $credential -AllowUnencryptedAuthentication
        (Get-Echo $r).headers['Authorization'] | Should -Be ('Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('ann:pw')))
    }

    It 'never shows credentials from the URL in results or errors' {
        $r = Invoke-AsyncFetch "http://ann:s3cret@127.0.0.1:$Port/echo"
        ($r | Out-String) + $r.Url + $r.FinalUrl | Should -Not -BeLike '*s3cret*'
        $null = Invoke-AsyncFetch 'http://ann:s3cret@127.0.0.1:1/' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -Not -BeLike '*s3cret*'
        $errs[0].TargetObject | Should -Not -BeLike '*s3cret*'
    }

    It 'never shows a token, a credential or a secret header in verbose, debug or error output' {
        $token = ConvertTo-SecureString 'tok-456' -AsPlainText -Force
        $urls = "http://ann:s3cret@127.0.0.1:$Port/status/500", "$Base/status/401", 'http://ann:s3cret@127.0.0.1:1/'
        $records = $urls | Invoke-AsyncFetch -Authentication Bearer -Token $token -AllowUnencryptedAuthentication -Headers @{ 'X-Api-Key' = 'key-789' } `
            -SecretHeader 'X-Api-Key' -Verbose -Debug -ErrorAction Continue 2>&1 4>&1 5>&1
        $streams = @($records | Where-Object { $_ -is [Management.Automation.ErrorRecord] -or $_ -is [Management.Automation.InformationalRecord] })
        $streams.Count | Should -BeGreaterOrEqual 3 # an error for each URL
        $text = ($streams | ForEach-Object { $_.ToString(); "$($_.TargetObject)"; "$($_.Exception)" }) -join "`n"
        $text | Should -Not -Match 'tok-456|s3cret|key-789'
    }

    It 'goes through -Proxy' {
        $r = Invoke-AsyncFetch 'http://proxied.invalid/echo' -Proxy $Base
        (Get-Echo $r).headers['Host'] | Should -Be 'proxied.invalid'
    }

    It 'speaks HTTP/2 with -HttpVersion 2.0' {
        $r = Invoke-AsyncFetch "$($Server.Http2BaseUri)/bytes?n=10" -HttpVersion 2.0
        $r.HttpVersion | Should -Be ([version]'2.0')
    }

    It 'warns loudly with -SkipCertificateCheck' {
        $null = Invoke-AsyncFetch "$Base/bytes?n=1" -SkipCertificateCheck -WarningVariable warnings 3>$null
        $warnings[0] | Should -BeLike '*NOT checked*'
    }
}

Describe 'Invoke-AsyncFetch errors, retries and redirects' {
    It 'makes an HTTP error status a non-terminating error carrying the status and the item' {
        $urls = "$Base/status/404", "$Base/bytes?n=1", "$Base/status/500"
        $results = $urls | Invoke-AsyncFetch -ErrorVariable errs -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 1
        $errs.TargetObject | Should -Be @($urls[0], $urls[2])
        $errs[0].Exception.StatusCode | Should -Be 404
        $errs[0].Exception.Message | Should -BeLike '*404*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[1].Exception.Response.StatusCode | Should -Be 500
    }

    It 'outputs error statuses as ordinary results with -SkipHttpErrorCheck' {
        $results = "$Base/status/404", "$Base/status/503" | Invoke-AsyncFetch -SkipHttpErrorCheck -ErrorVariable errs
        $errs.Count | Should -Be 0
        $results.StatusCode | Should -Be @(404, 503)
    }

    It 'retries with -MaximumRetryCount and records the attempts' {
        $key = New-Key
        $r = Invoke-AsyncFetch "$Base/flaky?key=$key&failures=2" -MaximumRetryCount 3 -RetryIntervalSec 0.01
        $r.StatusCode | Should -Be 200
        $r.Attempts | Should -Be 3
    }

    It 'does not retry 404' {
        $null = Invoke-AsyncFetch "$Base/status/404" -MaximumRetryCount 3 -RetryIntervalSec 0.01 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Response.Attempts | Should -Be 1
    }

    It 'follows redirects up to -MaximumRedirection, and reports loops' {
        (Invoke-AsyncFetch "$Base/redirect?n=3").FinalUrl | Should -BeLike '*/bytes?n=16'
        $null = Invoke-AsyncFetch "$Base/redirect?n=3" -MaximumRedirection 2 -ErrorVariable tooMany -ErrorAction SilentlyContinue
        $tooMany[0].Exception.Message | Should -BeLike '*too many redirects*'
        $null = Invoke-AsyncFetch "$Base/redirect-loop" -ErrorVariable loop -ErrorAction SilentlyContinue
        $loop[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.Redirect*'
        $loop[0].Exception.Message | Should -BeLike '*redirect loop*'
    }

    It 'follows at most 5 redirects by default' {
        (Invoke-AsyncFetch "$Base/redirect?n=5").FinalUrl | Should -BeLike '*/bytes?n=16'
        $null = Invoke-AsyncFetch "$Base/redirect?n=6" -ErrorVariable tooMany -ErrorAction SilentlyContinue
        $tooMany[0].Exception.Message | Should -BeLike '*too many redirects*'
    }

    It 'gives the reason phrase with the status' {
        (Invoke-AsyncFetch "$Base/bytes?n=1").ReasonPhrase | Should -Be 'OK'
        (Invoke-AsyncFetch "$Base/status/404" -SkipHttpErrorCheck).ReasonPhrase | Should -Be 'Not Found'
    }

    It 'drops -SecretHeader and Authorization on a redirect to another origin' {
        $target = [uri]::EscapeDataString("http://localhost:$Port/echo")
        $r = Invoke-AsyncFetch "$Base/redirect-to?url=$target" -Headers @{ 'X-Api-Key' = 'k'; Authorization = 'Bearer t'; 'X-Plain' = 'p' } -SecretHeader 'X-Api-Key'
        $headers = (Get-Echo $r).headers
        $headers.Keys | Should -Not -Contain 'X-Api-Key'
        $headers.Keys | Should -Not -Contain 'Authorization'
        $headers['X-Plain'] | Should -Be 'p'
    }

    It 'caps the body with -MaximumResponseBytes, compressed or not' {
        $urls = "$Base/bytes?n=5000", "$Base/bytes?n=500000&gzip=1", "$Base/bytes?n=100"
        $results = $urls | Invoke-AsyncFetch -MaximumResponseBytes 4096 -ErrorVariable errs -ErrorAction SilentlyContinue
        $results.Length | Should -Be 100
        $errs.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'ParallelTools.BodyTooLarge*' }
        $errs.Count | Should -Be 2
    }

    It 'caps bodies at 64 MiB by default' {
        (Invoke-AsyncFetch "$Base/bytes?n=67108864" -AsByteArray).Length | Should -Be 67108864
        $null = Invoke-AsyncFetch "$Base/bytes?n=67108865" -AsByteArray -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.BodyTooLarge*'
        $errs[0].Exception.Message | Should -BeLike '*67?108?864 bytes*'
    }

    It 'ends a stalled body with -IdleTimeoutSec' {
        $null = Invoke-AsyncFetch "$Base/drip?n=100&chunk=10&intervalMs=4000" -IdleTimeoutSec 1 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.Timeout*'
        $errs[0].Exception.Message | Should -BeLike '*no data arrived*'
    }

    It 'ends a connection that is never accepted after -ConnectTimeoutSec, saying so' {
        # A listener whose backlog is full: the kernel drops further SYNs, so connecting hangs.
        $listener = [Net.Sockets.Socket]::new([Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Tcp)
        $fillers = @()
        try {
            $listener.Bind([Net.IPEndPoint]::new([Net.IPAddress]::Loopback, 0))
            $listener.Listen(1)
            $port = $listener.LocalEndPoint.Port
            $fillers = 1..4 | ForEach-Object { $c = [Net.Sockets.TcpClient]::new(); $null = $c.ConnectAsync('127.0.0.1', $port); $c }
            Start-Sleep -Milliseconds 300
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $null = Invoke-AsyncFetch "http://127.0.0.1:$port/" -ConnectTimeoutSec 1 -ErrorVariable errs -ErrorAction SilentlyContinue
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.Timeout*'
            $errs[0].Exception.Message | Should -BeLike '*connect timeout*'
        }
        finally {
            $fillers | ForEach-Object Dispose
            $listener.Dispose()
        }
    }

    It 'bounds a whole attempt with -TimeoutSec, and -TimeoutSec 0 sets no limit' {
        $null = Invoke-AsyncFetch "$Base/delay?ms=1500" -TimeoutSec 1 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -BeLike '*timeout of 1 s*'
        (Invoke-AsyncFetch "$Base/delay?ms=1500" -TimeoutSec 0).StatusCode | Should -Be 200
    }

    It 'reuses one connection pool across calls with the same settings, over HTTP/1.1 by default' {
        # Settings of their own (-ConnectTimeoutSec 17, 18): pools that no other test has used.
        $first = Invoke-AsyncFetch "$Base/echo" -ConnectTimeoutSec 17
        $second = Invoke-AsyncFetch "$Base/echo" -ConnectTimeoutSec 17
        $other = Invoke-AsyncFetch "$Base/echo" -ConnectTimeoutSec 18
        (Get-Echo $second).connection | Should -Be (Get-Echo $first).connection
        (Get-Echo $other).connection | Should -Not -Be (Get-Echo $first).connection
        $first.HttpVersion | Should -Be ([version]'1.1')
        (Get-Echo $first).protocol | Should -Be 'HTTP/1.1'
    }

    It 'runs 64 requests at once by default, and -ThrottleLimit sets how many' {
        $key = New-Key
        $null = 1..150 | ForEach-Object { "$Base/concurrent?key=$key&ms=1000&i=$_" } | Invoke-AsyncFetch
        (Invoke-AsyncFetch "$Base/concurrent/max?key=$key").Content | Should -Be '64'
        $key = New-Key
        $null = 1..20 | ForEach-Object { "$Base/concurrent?key=$key&ms=200&i=$_" } | Invoke-AsyncFetch -ThrottleLimit 5
        (Invoke-AsyncFetch "$Base/concurrent/max?key=$key").Content | Should -Be '5'
    }

    It 'does not count waiting for a free slot against -TimeoutSec' {
        # One at a time, 8 requests of 0.4 s take over 3 s, past the 2 s limit; each alone is well within it.
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $results = 1..8 | ForEach-Object { "$Base/delay?ms=400&i=$_" } | Invoke-AsyncFetch -ThrottleLimit 1 -TimeoutSec 2
        $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 3
        $results.Count | Should -Be 8
    }

    It 'bounds the body as well as the headers with -TimeoutSec' {
        # Headers at once, then a byte every 0.1 s for 4 s: never idle for long, but past the 1 s limit.
        $null = Invoke-AsyncFetch "$Base/drip?n=40&chunk=1&intervalMs=100" -TimeoutSec 1 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.Timeout*'
        $errs[0].Exception.Message | Should -BeLike '*timeout of 1 s*'
    }

    It 'lets -PerHostLimit bound the requests to one origin' {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $null = 1..4 | ForEach-Object { "$Base/delay?ms=400&i=$_" } | Invoke-AsyncFetch -PerHostLimit 1
        $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 1.5
    }
}

Describe 'Invoke-AsyncFetch bodies' {
    It 'parses JSON bodies with -AsJson' {
        $r = Invoke-AsyncFetch "$Base/echo?x=1" -Method Post -Body 'hello' -AsJson
        $r.method | Should -Be 'POST'
        $r.body | Should -Be 'hello'
        $r.headers.'User-Agent' | Should -BeLike 'ParallelTools/*'
    }

    It 'reports a body that is not JSON as that item''s error with -AsJson' {
        $null = Invoke-AsyncFetch "$Base/page/1" -AsJson -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ParallelTools.InvalidJson*'
    }

    It 'keeps raw bytes with -AsByteArray' {
        $r = Invoke-AsyncFetch "$Base/bytes?n=300" -AsByteArray
        $r.RawContent.Length | Should -Be 300
        $r.Content | Should -BeNullOrEmpty
    }

    It 'decodes text by the response charset' {
        (Invoke-AsyncFetch "$Base/page/2").Content | Should -Match '<title>Page 2</title>'
        foreach ($charset in 'iso-8859-1', 'utf-16') {
            $r = Invoke-AsyncFetch "$Base/text?charset=$charset"
            $r.Charset | Should -Be $charset
            $r.Content | Should -BeExactly 'Grüße aus Köln: café, naïve, über'
        }
    }
}
