using System.Runtime.CompilerServices;

namespace ParallelTools.Engine.Http;

/// <summary>Turns user input into an absolute http or https URL, or says clearly why not.</summary>
public static class UrlParser
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Uri Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new InvalidUrlException(text ?? "", "the URL is empty");
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
            throw new InvalidUrlException(text, "it is not an absolute URL");
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            throw new InvalidUrlException(text, $"the scheme '{uri.Scheme}' is not http or https");
        if (string.IsNullOrEmpty(uri.Host))
            throw new InvalidUrlException(text, "it has no host");
        return uri;
    }
}

/// <summary>The input could not be used as an http(s) URL.</summary>
public sealed class InvalidUrlException(string url, string reason)
    : ArgumentException($"'{UrlRedactor.Redact(url)}' is not a valid http or https URL: {reason}.")
{
    public string Url { get; } = UrlRedactor.Redact(url);
}
