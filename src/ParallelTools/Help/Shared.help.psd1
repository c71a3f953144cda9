# Parameter descriptions shared by the family. New-MamlHelp.ps1 begins each cmdlet's description of
# a parameter with the text here and adds the cmdlet's own text (Help/<Cmdlet>.help.psd1) after it,
# so a shared concept has one definition, the same name and the same meaning in every cmdlet.
@{
    Parameters = @{
        # Every cmdlet
        ThrottleLimit                  = 'The most items in progress at once.'
        Unordered                      = 'Writes results as items complete instead of in input order.'
        TimeoutSec                     = 'The time limit in seconds for one item, 0 for none; an item over it gets a timeout error (ParallelTools.Timeout) and the others go on.'
        MaximumRetryCount              = 'How many more times an item is tried after a failure that another try may cure; errors that come from the item itself are never retried. Default 0.'

        # The map cmdlets (Invoke-ProcessMap, Invoke-ThreadMap)
        ScriptBlock                    = 'The script to run for each item. The item is $_ and the first argument; -ArgumentList values follow it. Objects it outputs are the cmdlet''s output, as it writes them. Each item runs in a scope of its own: what the script sets for one item is gone for the next, as with ForEach-Object -Parallel (state meant to last goes in -InitializationScript).'
        InputObject                    = 'The items, from the pipeline.'
        ArgumentList                   = 'Values passed to the scriptblock after the item (param($item, $a, $b)).'
        InitializationScript           = 'A script run once in each worker before its first item, in the worker''s global scope, like the initializer of Python''s Pool: define functions, open connections, load data, set variables there.'
        ImportModule                   = 'Modules to import in each worker before its first item: names (looked up in the worker''s module path) or paths (resolved against the current location).'
        BatchSize                      = 'Items handed to a worker at once. Default 0: automatic, the backlog shared between the workers (1 to 256). Larger batches cost less per item; smaller ones balance uneven items better.'
        KeepWarmSec                    = 'Seconds to keep workers ready for the next call after this one completes: they are made ready in the background as this call ends, and closed when no call takes them in time. A stopped call keeps none of the workers it used. Default 30; 0 keeps none and closes any kept by earlier calls.'

        # The HTTP cmdlets (Invoke-AsyncFetch, Invoke-ThreadedDownload)
        Url                            = 'The URL to request: an absolute http or https URL. Binds from the pipeline by value (strings, [uri]) and by property name (Url, or its alias Uri, a string or a [uri]), so Import-Csv rows with a Url column work; any other input is that item''s error.'
        Headers                        = 'Request headers: a hashtable, an object from ConvertFrom-Json, or (per CSV row) a JSON object string such as {"X-Api-Key":"k"}. Binds by property name.'
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
        ConnectTimeoutSec              = 'Seconds to wait for a TCP (and TLS) connection to be established. Default 10.'
        IdleTimeoutSec                 = 'Seconds to wait for the next piece of a response body before giving up, so a stalled server cannot hang the pipeline. Default 30.'
        MaximumRedirection             = 'Most redirects to follow. Default 5. 0 returns the redirect response itself. More redirects than this, a redirect loop, a redirect from https to http or to another scheme is that URL''s error.'
        RetryIntervalSec               = 'The first wait between attempts, in seconds; each later wait doubles (capped at 30 s), with random jitter of up to half. A Retry-After header (seconds or HTTP date, up to 2 minutes) is honoured instead. Default 1.'
    }
}
