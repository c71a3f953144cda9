@{
    Synopsis    = 'Downloads URLs to files on a bounded number of concurrent downloads, each streamed to disk through a private .part file, and outputs one result per URL.'
    Description = @'
Invoke-ThreadedDownload downloads every URL it receives from the pipeline into the -Destination folder, up to -ThrottleLimit at once, and outputs one DownloadResult per URL (Url, Path, Length, StatusCode, Elapsed, Attempts, Resumed, Sha256, Status), in input order; -Unordered writes them as they complete.

Each body is streamed to disk in 1 MiB writes (4 MiB for a large file, below), never held in memory whole, into a .part file created new beside the target (owner-only permissions, an unpredictable name). The .part takes the final name only after every check passed, with ordinary read permissions; on any failure it is removed (unless -Resume keeps it), so a result's Path never points at a half-written file.

On Linux, a body of 64 MiB or more (by its Content-Length) is written past the page cache (O_DIRECT), in 4 MiB blocks straight from the download's buffer to the disk; the short last block and any write at an odd offset (a resumed file) go through the cache as usual. This saves a copy of every byte and keeps a large download from filling the cache with pages nobody reads soon; on a virtual machine that returns free memory to its host, it also saves a fault on the host for every new page. Measured on the project's 2-core VM, 64 MiB files took half the time and a third of the CPU, and a 1 GiB file about half the time; 8 MiB files gained nothing, hence the threshold. The finished file is read from disk, not from the cache, the first time. Only ext2/3/4 and XFS file systems on 64-bit Linux are written this way; on other file systems (network and FUSE ones among them, where a direct write can mean a round trip per block) and other systems every write goes through the cache.

The write buffers are kept for the next download, in this call or the next one in the same session: up to 64 MiB of them, let go once no download has used them for 30 seconds. A new buffer's memory is fresh pages, and on a virtual machine the first touch of each can cost as much as the copy into it; measured on the project's 2-core VM, a second call over 200 files of 1 MiB spent about a third less system time than with new buffers.

File names come from -OutFile (or an OutFile property) when given, else from the server's Content-Disposition file name, else from the decoded last segment of the URL you gave (never of a redirect target), else from the host. Every name is sanitised the same way on every OS: only the part after the last / or \ is kept; colons, drive letters, control and bidi characters, characters Windows forbids, trailing dots and spaces, leading dots (hidden files) and reserved device names (CON, NUL, COM1...) are neutralised; over-long names are shortened keeping the extension. The full path must lie inside -Destination. A name that cannot be made safe, and two inputs of one call that map to the same file, are each that item's error: nothing is overwritten silently.

An existing target is an error for that item by default; -Force replaces it, -SkipExisting outputs a Skipped result instead. Retries, timeouts, redirects and credentials follow the same rules as Invoke-AsyncFetch, through the same engine code; a retry after a broken or stalled body continues where it stopped when the server supports ranges and sent a validator. Bodies are saved exactly as served (no automatic decompression).

Ctrl+C, -ErrorAction Stop and a downstream Select-Object -First N cancel every download in flight, close every file and remove every .part not kept for -Resume.

Concurrency: each download is one sequential task (request, then read and write in a loop) on .NET thread-pool threads; -ThrottleLimit bounds how many run at once. Waiting for the network blocks no thread, which is why one engine serves this cmdlet and Invoke-AsyncFetch.
'@
    Inputs      = @('System.String', 'System.Uri', 'Objects with a Url or Uri property, and optional OutFile, Sha256 (or ExpectedSha256) and Headers properties')
    Parameters  = @{
        Destination                    = 'The folder the files go into; created when missing. Default: the current location. Every file''s full path is checked to lie inside it.'
        OutFile                        = 'The file name (or a relative path with sub-folders) under -Destination. Binds by property name, so a manifest can name each file. A rooted path, a drive, or .. is that item''s error. Without it, the name comes from Content-Disposition, the URL or the host.'
        ExpectedSha256                 = 'The hex SHA-256 the finished file must have (alias Sha256, so a manifest column named Sha256 binds). The hash is computed while writing; a mismatch is that item''s error and the file is removed instead of taking its name.'
        Force                          = 'Replaces existing target files. Cannot be used with -SkipExisting.'
        SkipExisting                   = 'Leaves existing target files alone and outputs a result with Status Skipped. When the name is known before the request (-OutFile, or a file named by the URL), no request is sent; when only Content-Disposition names an existing file, the body is not downloaded.'
        Resume                         = 'Keeps the .part of a failed or stopped download (as target.part, with the response''s strong ETag or Last-Modified beside it) and continues it on the next run with Range and If-Range. If the file changed on the server, the server sends it whole and it is downloaded afresh from byte 0: bytes of two versions are never spliced. A server that ignores Range also restarts cleanly from 0. With -Resume the name comes from -OutFile, the URL or the host, never from Content-Disposition, so the .part can be found before the request is sent (curl refuses --continue-at with --remote-header-name for the same reason).'
        ComputeSha256                  = 'Reports the SHA-256 of every file in the Sha256 property, computed while writing (a resumed file reads back only the kept bytes).'
        SegmentCount                   = 'Connections per file for large files on servers that support ranges: the file is preallocated and each connection writes its own byte range at its offset. Default 1: on this project''s loopback bench (build.ps1 -Task Bench, scenario download) four segments were faster than one connection in some runs and slower in others, so they are not the default. Segments are used only for files of at least 4 MiB per segment with a validator, and not with -Resume, -ExpectedSha256 or -ComputeSha256 (the hash is computed in order while writing).'
        ThrottleLimit                  = 'Here, downloads at once. Default 8, measured on a 2-core machine with build.ps1 -Task Bench (scenario download).'
        TimeoutSec                     = 'Counted per attempt of a download (a timed-out attempt may be retried), headers and body together. Default 0, since large files take as long as they take; -IdleTimeoutSec still ends a stalled transfer.'
        MaximumRetryCount              = 'Retried: connection failures, timeouts, 408, 429 and 5xx (not 501, 505), on idempotent methods only; never other 4xx. The result''s Attempts property records how many attempts were made.'
    }
    Examples    = @(
        @{
            Title   = 'Three downloads, a line per completed file'
            Code    = @'
$urls = "$base/file/a.bin", "$base/file/b.bin", "$base/file/c.bin"
$urls | Invoke-ThreadedDownload -Destination ./downloads | ForEach-Object { "Downloaded $($_.Url) to $($_.Path) ($($_.Length) bytes)" }
'@
            Remarks = 'The threaded example from the project''s origin: three files at once, one line per completed download. $base is any web server, for example http://127.0.0.1:8080.'
        }
        @{
            Title   = 'A CSV manifest with names and hashes'
            Code    = @'
@"
Url,OutFile,Sha256
$base/file/report.bin?size=100000,reports/report.bin,$(Invoke-RestMethod "$base/filehash/report.bin?size=100000")
$base/file/data.bin?size=200000,data.bin,$(Invoke-RestMethod "$base/filehash/data.bin?size=200000")
"@ | ConvertFrom-Csv | Invoke-ThreadedDownload -Destination ./downloads -Force | Select-Object Status, Length, Sha256, Path
'@
            Remarks = 'Url, OutFile and Sha256 bind by property name. Each file is checked against its hash as it is written; a mismatch is an error for that row and leaves no file behind.'
        }
        @{
            Title   = 'Resume an interrupted download'
            Code    = @'
Invoke-ThreadedDownload "$base/file/big.bin?size=50000000" -Destination ./downloads -Resume -IdleTimeoutSec 10 -MaximumRetryCount 3 -Force |
    Select-Object Status, Resumed, Length
'@
            Remarks = 'If the transfer breaks, retries continue from the last byte written; if the whole call fails or is stopped, big.bin.part stays, and running the same command again continues it with Range and If-Range, or starts afresh if the file changed on the server.'
        }
        @{
            Title   = 'Keep what is already there'
            Code    = @'
1..5 | ForEach-Object { "$base/file/part$_.bin" } | Invoke-ThreadedDownload -Destination ./downloads -SkipExisting -ThrottleLimit 4 |
    Group-Object Status | Select-Object Name, Count
'@
            Remarks = 'Files already present are reported with Status Skipped and not requested again.'
        }
        @{
            Title   = 'Many files with progress, in completion order'
            Code    = @'
1..50 | ForEach-Object { "$base/file/f$_.bin?size=1048576" } |
    Invoke-ThreadedDownload -Destination ./downloads -Force -Unordered -ComputeSha256 | Measure-Object Length -Sum
'@
            Remarks = 'One overall progress bar shows files done, bytes, rate and time remaining, a few times a second; $ProgressPreference = ''SilentlyContinue'' turns it off.'
        }
    )
    Notes       = @'
Results are ParallelTools.Engine.Download.DownloadResult objects: Url, Path, Length, StatusCode, ReasonPhrase, Elapsed, Attempts, Resumed, Sha256 and Status (Completed or Skipped). Errors carry the URL as TargetObject and an id naming the cause: ParallelTools.UnsafeFileName, FileExists, FileNameConflict, HashMismatch, BadResponse, FileWriteFailed, HttpStatus, Timeout, ConnectionFailed, Redirect, InvalidUrl.

Progress is one overall record (files done, in flight, failed, files per second, MiB written and MiB/s, time remaining once the input has ended), written at most four times a second once a run has lasted a second, and not at all when $ProgressPreference is SilentlyContinue. There is no per-chunk progress, which is what made Invoke-WebRequest many times slower.
'@
    Links       = @('about_ParallelTools', 'Invoke-AsyncFetch', 'Invoke-WebRequest')
}
