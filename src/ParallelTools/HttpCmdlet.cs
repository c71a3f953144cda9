using System.Collections;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using ParallelTools.Engine.Http;

namespace ParallelTools;

/// <summary>
/// The HTTP parameters Invoke-AsyncFetch and Invoke-ThreadedDownload share, with the same names and
/// meanings, and the <see cref="Fetcher"/> they configure.
/// </summary>
public abstract class HttpCmdlet<TItem, TResult> : ScheduledCmdlet<TItem, TResult>
{
    /// <summary>
    /// The parameter set where a string or [uri] from the pipeline binds to -Url by value. The two
    /// sets have the same parameters; in <see cref="RowSet"/> an object binds -Url and the per-row
    /// parameters by property name. With one set PowerShell looked every by-property-name parameter
    /// up on each string as well: 20 µs of the pipeline thread per URL in a fresh session, 5 µs with two.
    /// Get-Command -Syntax shows the two sets as two identical lines. One set with a hidden InputObject
    /// that read the rows itself was tried and reverted: a DontShow parameter makes tab completion drop
    /// the common parameters (PowerShell/PowerShell#18472).
    /// </summary>
    protected const string UrlSet = "Url";

    /// <summary>The parameter set where an object (a CSV row) binds by property name.</summary>
    protected const string RowSet = "Row";

    private string? _authorization;
    private Dictionary<string, string>? _defaultHeaders;

    [Parameter(ParameterSetName = UrlSet)]
    [Parameter(ParameterSetName = RowSet, ValueFromPipelineByPropertyName = true)]
    public object? Headers { get; set; }

    [Parameter]
    public string UserAgent { get; set; } = $"ParallelTools/{typeof(HttpCmdlet<,>).Assembly.GetName().Version?.ToString(3)}";

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    [ValidateSet("Basic", "Bearer")]
    public string? Authentication { get; set; }

    [Parameter]
    public System.Security.SecureString? Token { get; set; }

    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    [Parameter]
    public string[] SecretHeader { get; set; } = [];

    [Parameter]
    public Uri? Proxy { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    [ValidateSet("1.1", "2.0")]
    public string HttpVersion { get; set; } = "1.1";

    [Parameter]
    [ValidateRange(1, 4096)]
    public int PerHostLimit { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int IdleTimeoutSec { get; set; } = 30;

    [Parameter]
    [ValidateRange(1, 3600)]
    public int ConnectTimeoutSec { get; set; } = 10;

    [Parameter]
    [ValidateRange(0.0, 3600.0)]
    public double RetryIntervalSec { get; set; } = 1;

    [Parameter]
    [ValidateRange(0, 100)]
    public int MaximumRedirection { get; set; } = 5;

    /// <summary>Decode gzip, deflate and brotli bodies (a download keeps the bytes as served).</summary>
    protected abstract bool DecompressBodies { get; }

    protected Fetcher CreateFetcher(long maximumResponseBytes = 64L * 1024 * 1024, bool asByteArray = false)
    {
        if (SkipCertificateCheck)
            WriteWarning("-SkipCertificateCheck: server certificates are NOT checked. Anyone on the network path can read and change this traffic. Use it only with test servers you control.");
        _authorization = AuthorizationHeader.From(Authentication, Credential, Token);
        var client = HttpClientCache.Get(new HttpClientSettings
        {
            Proxy = Proxy,
            SkipCertificateCheck = SkipCertificateCheck,
            AutomaticDecompression = DecompressBodies,
            ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSec),
        });
        return new Fetcher(client, new FetchOptions
        {
            Timeout = TimeoutSec == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(TimeoutSec),
            IdleTimeout = TimeSpan.FromSeconds(IdleTimeoutSec),
            MaximumResponseBytes = maximumResponseBytes,
            AsByteArray = asByteArray,
            HttpVersion = HttpVersion == "2.0" ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
            PerHostLimit = PerHostLimit > 0 ? PerHostLimit : null,
            Retry = new RetryPolicy { MaximumRetryCount = MaximumRetryCount, RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec) },
            Redirect = new RedirectPolicy
            {
                MaximumRedirection = MaximumRedirection,
                SecretHeaders = new HashSet<string>(SecretHeader, StringComparer.OrdinalIgnoreCase),
            },
        });
    }

    /// <summary>An empty or blank value (an empty CSV cell) counts as not given.</summary>
    protected static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    /// <summary>The headers of one request: the user agent, the given headers, then authorization.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected IReadOnlyDictionary<string, string> RequestHeaders(object? given)
    {
        // Most rows give no headers of their own: they share one dictionary, which no one changes.
        if (given is null)
            return _defaultHeaders ??= NewRequestHeaders(null);
        return NewRequestHeaders(given);
    }

    private Dictionary<string, string> NewRequestHeaders(object? given)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["User-Agent"] = UserAgent };
        foreach (DictionaryEntry entry in HeaderTable.From(given))
            headers[entry.Key.ToString()!] = entry.Value?.ToString() ?? "";
        if (_authorization is not null)
            headers["Authorization"] = _authorization;
        return headers;
    }

    /// <summary>Credentials go over https only, unless the user allows otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected void CheckCredentialsAllowed(string url)
    {
        if (_authorization is not null && !AllowUnencryptedAuthentication && UrlParser.Parse(url).Scheme != Uri.UriSchemeHttps)
            throw new InvalidOperationException($"'{UrlRedactor.Redact(url)}': refusing to send credentials over unencrypted http; use https, or -AllowUnencryptedAuthentication.");
    }
}
