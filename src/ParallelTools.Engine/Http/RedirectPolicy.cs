using System.Net;

namespace ParallelTools.Engine.Http;

/// <summary>
/// Follows redirects the way a careful client must: a bounded number of hops, http and https only,
/// never from https down to http, no loops, and no secrets carried to another origin.
/// </summary>
public sealed class RedirectPolicy
{
    /// <summary>Headers that never cross to another origin, whatever the user marks.</summary>
    public static readonly IReadOnlySet<string> AlwaysSecret =
        new HashSet<string>(["Authorization", "Cookie", "Proxy-Authorization"], StringComparer.OrdinalIgnoreCase);

    public int MaximumRedirection { get; init; } = 5;

    /// <summary>More header names the user marks as secret (API keys and the like).</summary>
    public IReadOnlySet<string> SecretHeaders { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    public static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    public bool IsSecret(string header) => AlwaysSecret.Contains(header) || SecretHeaders.Contains(header);

    /// <summary>The method for the next hop: 303, and 301/302 after POST, become GET (as browsers do).</summary>
    public static HttpMethod NextMethod(HttpStatusCode status, HttpMethod method) =>
        (status == HttpStatusCode.SeeOther && method != HttpMethod.Head)
        || (status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && method == HttpMethod.Post)
            ? HttpMethod.Get
            : method;

    /// <summary>
    /// Where the redirect from <paramref name="current"/> goes, checked. <paramref name="visited"/> holds
    /// the URLs requested so far in this chain; <paramref name="hops"/> counts redirects already followed.
    /// </summary>
    /// <exception cref="RedirectException">The redirect must not be followed.</exception>
    public Uri Next(Uri current, Uri? location, int hops, ISet<Uri> visited)
    {
        if (location is null)
            throw new RedirectException("the server sent a redirect without a Location header");
        Uri next = location.IsAbsoluteUri ? location : new Uri(current, location);
        if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            throw new RedirectException($"refused to follow a redirect to the scheme '{next.Scheme}'");
        if (current.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
            throw new RedirectException("refused to follow a redirect from https to http");
        if (visited.Contains(next))
            throw new RedirectException($"redirect loop: {UrlRedactor.Redact(next)} was already requested");
        if (hops >= MaximumRedirection)
            throw new RedirectException($"too many redirects (the limit is {MaximumRedirection})");
        return next;
    }
}

/// <summary>A redirect that was not followed, and why.</summary>
public sealed class RedirectException(string message) : Exception(message);
