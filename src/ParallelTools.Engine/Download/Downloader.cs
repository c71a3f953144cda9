using ParallelTools.Engine.Http;

namespace ParallelTools.Engine.Download;

/// <summary>
/// Downloads one URL to a file under the destination: chooses and checks the name, applies the
/// existing-file policy, and sends the request through the shared <see cref="Fetcher"/> (retries,
/// redirects, timeouts) with a <see cref="FileResponseHandler"/> writing the body.
/// </summary>
/// <remarks>
/// The name comes from OutFile, else the Content-Disposition file name, else the URL's last path
/// segment, else the host. With <see cref="DownloadOptions.Resume"/> the response never names the
/// file (as curl refuses --continue-at with --remote-header-name): the .part must be found before
/// the request is sent.
/// </remarks>
public sealed class Downloader
{
    private readonly Fetcher _fetcher;
    private readonly DownloadOptions _options;
    private readonly NameReservations _names = new();

    public Downloader(Fetcher fetcher, DownloadOptions options)
    {
        _fetcher = fetcher;
        _options = options;
        Directory.CreateDirectory(options.Destination);
    }

    public async Task<DownloadResult> DownloadAsync(DownloadRequest request, CancellationToken cancellationToken)
    {
        Uri uri = UrlParser.Parse(request.Url);
        string shownUrl = UrlRedactor.Redact(request.Url);
        var claimant = new NameReservations.Claimant(shownUrl);
        string? known = request.OutFile is { } outFile
            ? FileNames.SanitizeRelativePath(outFile) ?? throw Unsafe(shownUrl, outFile)
            : _options.Resume ? FileNames.FromUrl(uri) ?? FileNames.FromHost(uri) : null;

        string? target = known is null ? null : Claim(claimant, known);
        if (target is not null && ApplyExistingPolicy(shownUrl, target))
            return DownloadResult.Skipped(shownUrl, target);
        if (target is null && _options.ExistingFile == ExistingFilePolicy.Skip && FileNames.FromUrl(uri) is { } urlName
            && FileNames.ResolveInside(_options.Destination, urlName) is { } urlTarget && File.Exists(urlTarget))
            return DownloadResult.Skipped(shownUrl, urlTarget); // without a request: the URL names an existing file

        bool skip = false;
        var handler = new FileResponseHandler(request, _options, _fetcher.Options, BlockPool.Shared, exchange =>
        {
            if (target is null)
            {
                string name = FileNames.FromContentDisposition(exchange.Response.Content.Headers.ContentDisposition)
                    ?? FileNames.FromUrl(uri) // the URL the user gave, never a redirect target (wget CVE-2010-2252)
                    ?? FileNames.FromHost(uri);
                target = Claim(claimant, name);
                skip = ApplyExistingPolicy(shownUrl, target);
            }
            return (target, skip);
        });
        try
        {
            if (_options.Resume && target is not null)
                handler.Part = PartFile.OpenResumable(target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DownloadException(shownUrl, DownloadFailure.FileError, $"opening '{target}.part' failed: {ex.Message}", ex);
        }

        var fetch = new FetchRequest { Url = request.Url, Headers = request.Headers };
        try
        {
            return await _fetcher.SendAsync(fetch, handler, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            handler.Part?.Abandon(); // no-op once committed; otherwise removed, or kept to resume
        }
    }

    private string Claim(NameReservations.Claimant claimant, string relativeName)
    {
        string shownUrl = claimant.Url;
        string target = FileNames.ResolveInside(_options.Destination, relativeName) ?? throw Unsafe(shownUrl, relativeName);
        if (!_names.TryReserve(target, claimant, out string owner))
            throw new DownloadException(shownUrl, DownloadFailure.NameConflict,
                $"'{target}' is already the target of {owner} in this call; give one of them another OutFile");
        string? folder = Path.GetDirectoryName(target);
        if (folder is not null)
            Directory.CreateDirectory(folder);
        return target;
    }

    /// <summary>True when the item is to be skipped; throws when an existing target is an error.</summary>
    private bool ApplyExistingPolicy(string shownUrl, string target)
    {
        if (Directory.Exists(target))
            throw new DownloadException(shownUrl, DownloadFailure.TargetExists, $"'{target}' is a folder");
        if (!File.Exists(target))
            return false;
        return _options.ExistingFile switch
        {
            ExistingFilePolicy.Skip => true,
            ExistingFilePolicy.Overwrite => false,
            _ => throw new DownloadException(shownUrl, DownloadFailure.TargetExists,
                $"'{target}' already exists; use -Force to overwrite it or -SkipExisting to keep it"),
        };
    }

    private static DownloadException Unsafe(string shownUrl, string name) =>
        new(shownUrl, DownloadFailure.UnsafeName, $"no safe file name inside the destination can be made from '{name}'");
}
