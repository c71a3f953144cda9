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
        Url                            = 'The URL to fetch: an absolute http or https URL. Binds from the pipeline by value (strings, [uri]) and by property name (Url, or its alias Uri), so Import-Csv rows with a Url column work. Any other input is that item''s error.'
        Method                         = 'The HTTP method. Default GET. Binds by property name, so each CSV row can carry its own. Only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) are retried.'
        Headers                        = 'Request headers: a hashtable, or (per CSV row) a JSON object string such as {"X-Api-Key":"k"}. Binds by property name.'
        Body                           = 'The request body: a string (sent as UTF-8) or a byte array. Binds by property name.'
        ContentType                    = 'The media type of -Body. Default text/plain; charset=utf-8 for strings, application/octet-stream for bytes. Binds by property name.'
        UserAgent                      = 'The User-Agent header. Default ParallelTools/<version>.'
        Credential                     = 'Sends Basic authorization with this user name and password. Refused over plain http unless -AllowUnencryptedAuthentication.'
        Authentication                 = 'Basic (with -Credential) or Bearer (with -Token). Inferred when only one of -Credential and -Token is given.'
        Token                          = 'The bearer token, as a SecureString, sent as Authorization: Bearer. Never shown in output or errors.'
        AllowUnencryptedAuthentication = 'Allows -Credential and -Token to be sent over plain http. Without it such a request is refused with an error.'
        SecretHeader                   = 'Names of further request headers (API keys and the like) that must not follow a redirect to another origin, in addition to Authorization, Cookie and Proxy-Authorization.'
        Proxy                          = 'Sends every request through this HTTP proxy. Default: no proxy.'
        SkipCertificateCheck           = 'Accepts any server certificate. Dangerous: anyone on the network path can read and change the traffic. Off by default; a warning is written when it is used.'
        HttpVersion                    = 'The HTTP version to ask for: 1.1 (default) or 2.0. With 2.0, https negotiates HTTP/2 and may fall back to 1.1; plain http uses HTTP/2 with prior knowledge.'
        PerHostLimit                   = 'Most requests in flight to any one origin (scheme, host, port). Default: only -ThrottleLimit applies. Time spent waiting for a slot does not count against -TimeoutSec.'
        ThrottleLimit                  = 'Most requests in flight at once across all hosts. Default 64, measured on a 2-core machine with build.ps1 -Task Bench (scenario fetch): more adds no throughput on loopback and costs memory.'
        Unordered                      = 'Writes each result as soon as it completes, instead of in input order.'
        TimeoutSec                     = 'Seconds one attempt of a request may take, headers and body together, counted from when it is sent (not while it waits for a slot). 0 for no limit. Default 100.'
        ConnectTimeoutSec              = 'Seconds to wait for a TCP (and TLS) connection to be established. Default 10.'
        IdleTimeoutSec                 = 'Seconds to wait for the next piece of a response body before giving up, so a stalled server cannot hang the pipeline. Default 30.'
        MaximumRetryCount              = 'Retries after the first attempt, for connection failures, timeouts, 408, 429 and 5xx (not 501, 505) on idempotent methods. Never for other 4xx. Default 0. The result''s Attempts property records how many attempts were made.'
        RetryIntervalSec               = 'The first wait between attempts, in seconds; each later wait doubles (capped at 30 s), with random jitter of up to half. A Retry-After header (seconds or HTTP date, up to 2 minutes) is honoured instead. Default 1.'
        MaximumRedirection             = 'Most redirects to follow. Default 5. 0 returns the redirect response itself. More redirects than this, a redirect loop, a redirect from https to http or to another scheme is that URL''s error.'
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
            Remarks = 'Url, Method, Headers, Body and ContentType bind by property name, so each row of a CSV can be its own request.'
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
