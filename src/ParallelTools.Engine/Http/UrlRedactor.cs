using System.Runtime.CompilerServices;

namespace ParallelTools.Engine.Http;

/// <summary>Removes credentials embedded in a URL (user:password@) before it is shown anywhere.</summary>
public static class UrlRedactor
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Redact(Uri uri)
    {
        if (string.IsNullOrEmpty(uri.UserInfo))
            return uri.ToString();
        return new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string Redact(string url) =>
        url.Contains('@') && Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo) ? Redact(uri) : url;
}
