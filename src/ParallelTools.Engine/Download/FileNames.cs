using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace ParallelTools.Engine.Download;

/// <summary>
/// Turns untrusted text (a Content-Disposition name, a URL segment, a manifest's OutFile) into a file
/// name that is safe on every OS, and keeps the final path inside the destination folder.
/// </summary>
public static class FileNames
{
    /// <summary>The longest name, in UTF-8 bytes, most file systems accept.</summary>
    public const int MaxNameBytes = 255;

    private const int KeptExtensionLength = 16;

    private static readonly HashSet<string> ReservedDeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
    };

    /// <summary>
    /// One safe file name from untrusted text, or null when nothing usable is left. Only the part after
    /// the last separator of either kind is kept; characters Windows forbids, control and bidi-control
    /// characters become '_'; trailing dots and spaces go; a leading dot (a hidden file) becomes '_';
    /// reserved device names get a '_' prefix; over-long names are cut, keeping the extension.
    /// </summary>
    public static string? Sanitize(string? candidate)
    {
        if (string.IsNullOrWhiteSpace(candidate))
            return null;
        string name = candidate[(candidate.LastIndexOfAny(['/', '\\']) + 1)..];
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
            builder.Append(IsForbidden(c) ? '_' : c);
        name = builder.ToString().Trim().TrimEnd('.', ' ');
        if (name.Length == 0 || name.All(c => c == '.' || c == '_'))
            return null;
        if (name[0] == '.')
            name = "_" + name[1..];
        int dot = name.IndexOf('.');
        if (ReservedDeviceNames.Contains((dot < 0 ? name : name[..dot]).TrimEnd(' ')))
            name = "_" + name;
        return Shorten(name);
    }

    /// <summary>
    /// A user- or manifest-given relative path (OutFile): each segment sanitised, '..' and rooted paths
    /// refused. Returns null when it cannot be made safe.
    /// </summary>
    public static string? SanitizeRelativePath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || Path.IsPathRooted(path) || path.Contains(':'))
            return null;
        var segments = path.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Count == 0 || segments.Any(s => s == ".."))
            return null;
        var safe = new List<string>(segments.Count);
        foreach (string segment in segments)
        {
            string? clean = Sanitize(segment);
            if (clean is null)
                return null;
            safe.Add(clean);
        }
        return Path.Combine([.. safe]);
    }

    /// <summary>The decoded last segment of the URL's path, sanitised; null when the path names no file.</summary>
    public static string? FromUrl(Uri url)
    {
        string path = url.AbsolutePath;
        int slash = path.LastIndexOf('/');
        string segment = slash >= 0 ? path[(slash + 1)..] : path;
        return segment.Length == 0 ? null : Sanitize(Uri.UnescapeDataString(segment));
    }

    /// <summary>The filename* (RFC 5987) or filename of a Content-Disposition header, sanitised.</summary>
    public static string? FromContentDisposition(ContentDispositionHeaderValue? disposition)
    {
        string? name = disposition?.FileNameStar ?? disposition?.FileName;
        return Sanitize(name?.Trim('"'));
    }

    /// <summary>A name derived from the host (and a non-default port), for URLs whose path names no file.</summary>
    public static string FromHost(Uri url) =>
        Sanitize(url.IsDefaultPort ? url.Host : $"{url.Host}_{url.Port.ToString(CultureInfo.InvariantCulture)}") ?? "download";

    /// <summary>
    /// The full path of <paramref name="relativeName"/> under <paramref name="destination"/>, or null when
    /// it would lie anywhere else.
    /// </summary>
    public static string? ResolveInside(string destination, string relativeName)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        string full = Path.GetFullPath(Path.Combine(root, relativeName));
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return full.StartsWith(root + Path.DirectorySeparatorChar, comparison) ? full : null;
    }

    private static bool IsForbidden(char c) =>
        c < 0x20 || c == 0x7F || c is '<' or '>' or ':' or '"' or '|' or '?' or '*' or '/' or '\\'
        || char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static string Shorten(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxNameBytes)
            return name;
        string extension = Path.GetExtension(name);
        if (extension.Length > KeptExtensionLength)
            extension = "";
        string stem = name[..^extension.Length];
        int budget = MaxNameBytes - Encoding.UTF8.GetByteCount(extension);
        var kept = new StringBuilder();
        int bytes = 0;
        foreach (var rune in stem.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > budget)
                break;
            kept.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }
        return kept.ToString().TrimEnd('.', ' ') + extension;
    }
}
