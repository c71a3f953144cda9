@{
    Synopsis    = 'Fetches many URLs concurrently with async I/O on one shared connection pool, and outputs one response object per URL.'
    Description = @'
Invoke-AsyncFetch sends every URL it receives from the pipeline as an HTTP request, keeping up to -ThrottleLimit requests in flight at once on one shared connection pool (like asyncio.gather over aiohttp), and outputs one FetchResult per URL, in input order. -Unordered writes results as they complete instead.

Output streams while input still arrives, and memory stays bounded: when the results waiting for their turn fill the window, the cmdlet pauses its input. Every input gets exactly one outcome: a FetchResult, or one non-terminating error whose TargetObject is the URL. A malformed URL, an unreachable host, a timeout, a reset connection, a body over -MaximumResponseBytes and an HTTP error status (4xx/5xx, unless -SkipHttpErrorCheck) are each that URL's error; the rest go on.

Connections are reused across calls in the session: calls with the same -Proxy and -SkipCertificateCheck share one pool. Redirects are followed by the cmdlet itself, never from https to http, and Authorization, Cookie, Proxy-Authorization and every -SecretHeader are dropped when a redirect leaves the origin (scheme, host and port). Credentials embedded in a URL (user:password@) are sent as Basic authorization and never shown in results or errors.

Ctrl+C, -ErrorAction Stop and a downstream Select-Object -First N cancel every request in flight at once.
'@
    Inputs      = @('System.String', 'System.Uri', 'Objects with a Url or Uri property, and optional Method, Headers, Body and ContentType properties')
    Parameters  = @{
        Method                         = 'The HTTP method. Default GET. Binds by property name, so each CSV row can carry its own. Only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) are retried. Tab completion offers the standard methods; any other name is sent as given.'
        Body                           = 'The request body: a string (sent as UTF-8) or a byte array. Binds by property name.'
        ContentType                    = 'The media type of -Body. Default text/plain; charset=utf-8 for strings, application/octet-stream for bytes. Binds by property name.'
        ThrottleLimit                  = 'Here, requests in flight across all hosts. Default 64, measured on a 2-core machine with build.ps1 -Task Bench (scenario fetch): more adds no throughput on loopback and costs memory.'
        TimeoutSec                     = 'Counted per attempt of the request (a timed-out attempt may be retried), headers and body together, from when it is sent (not while it waits for a slot). Default 100.'
        MaximumRetryCount              = 'Retried: connection failures, timeouts, 408, 429 and 5xx (not 501, 505), on idempotent methods only; never other 4xx. The result''s Attempts property records how many attempts were made.'
        MaximumResponseBytes           = 'Most bytes of response body (after decompression) kept in memory per request; a larger body is that URL''s error. Default 64 MiB.'
        AsByteArray                    = 'Keeps the body as bytes in the RawContent property instead of decoding it into Content.'
        AsJson                         = 'Parses each JSON body and outputs the parsed object (like Invoke-RestMethod) instead of a FetchResult. A body that is not JSON is that URL''s error.'
        SkipHttpErrorCheck             = 'Outputs responses with 4xx and 5xx statuses as ordinary results instead of errors.'
    }
    Examples    = @(
        @{
            Title   = 'Page lengths, in input order'
            Code    = @'
$urls = 1..3 | ForEach-Object { "$base/page/$_" }
$page = 0
$urls | Invoke-AsyncFetch | ForEach-Object { $page++; "Page ${page} length: $($_.Content.Length) characters" }
'@
            Remarks = 'Fetches three pages concurrently and prints their lengths in the order of the input, as asyncio.gather would. $base is any web server, for example http://127.0.0.1:8080.'
        }
        @{
            Title   = 'A CSV of requests'
            Code    = @'
@"
Url,Method,Body
$base/echo,GET,
$base/echo,POST,hello
"@ | ConvertFrom-Csv | Invoke-AsyncFetch | Select-Object Url, StatusCode, Length
'@
            Remarks = 'Url, Method, Headers, Body and ContentType bind by property name, so each row of a CSV can be its own request. An empty cell counts as not given: GET, no body, the default content type.'
        }
        @{
            Title   = 'Retries, timeouts and errors you can count'
            Code    = @'
$urls = "$base/bytes?n=10", "$base/status/404", "$base/status/503"
$ok = $urls | Invoke-AsyncFetch -MaximumRetryCount 2 -RetryIntervalSec 0.1 -TimeoutSec 10 -ErrorVariable failed -ErrorAction SilentlyContinue
"$(@($ok).Count) succeeded; failed: $($failed.TargetObject -join ', ')"
'@
            Remarks = 'The 503 is retried twice, the 404 never. Each failed URL is one error whose TargetObject is that URL; the Exception of an HTTP error carries StatusCode and the Response.'
        }
        @{
            Title   = 'Many requests, first answers first'
            Code    = @'
1..200 | ForEach-Object { "$base/delay?ms=$(Get-Random -Maximum 50)&i=$_" } |
    Invoke-AsyncFetch -ThrottleLimit 100 -Unordered | Measure-Object Length -Sum
'@
            Remarks = 'With -Unordered results are written as they complete. -ThrottleLimit sets how many requests are in flight at once.'
        }
        @{
            Title   = 'JSON APIs with a bearer token'
            Code    = @'
$token = ConvertTo-SecureString 'example-token' -AsPlainText -Force
Invoke-AsyncFetch "$base/echo" -Authentication Bearer -Token $token -AllowUnencryptedAuthentication -AsJson |
    ForEach-Object { $_.headers.Authorization -replace 'Bearer .*', 'Bearer (hidden)' }
'@
            Remarks = '-AsJson outputs parsed objects as Invoke-RestMethod does. Credentials are refused over plain http unless -AllowUnencryptedAuthentication; use https in real use.'
        }
        @{
            Title   = 'Stop early'
            Code    = @'
1..10000 | ForEach-Object { "$base/delay?ms=300&i=$_" } | Invoke-AsyncFetch | Select-Object -First 3
'@
            Remarks = 'Returns after about the time of three requests: when Select-Object has enough, every request still in flight is cancelled.'
        }
    )
    Notes       = @'
Results are ParallelTools.Engine.Http.FetchResult objects: Url, FinalUrl, StatusCode, ReasonPhrase, HttpVersion, Headers, ContentType, Content, RawContent, Length, Elapsed, TimeToHeaders and Attempts. Progress is one overall record (done, in flight, failed, rate), written at most four times a second once a run has lasted a second, and not at all when $ProgressPreference is SilentlyContinue.
'@
    Links       = @('about_ParallelTools', 'Invoke-WebRequest', 'Invoke-RestMethod')
}
