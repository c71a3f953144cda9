using System.Collections;
using System.Management.Automation;
using ParallelTools.Engine.Http;

namespace ParallelTools;

/// <summary>
/// The HTTP parameters Invoke-AsyncFetch and Invoke-ThreadedDownload share, with the same names and
/// meanings, and the <see cref="Fetcher"/> they configure.
/// </summary>
public abstract class HttpCmdlet<TItem, TResult> : ScheduledCmdlet<TItem, TResult>
{
    /// <summary>
    /// Every pipeline object, as given. A string or [uri] binds -Url by value; any other object is a row,
    /// whose Url (or Uri) property binds -Url by name and whose other per-row properties the cmdlet reads
    /// itself (<see cref="FromRow"/>). Were those parameters bound by property name, PowerShell would look
    /// each of them up on every string as well: 20 µs of the pipeline thread per URL in a fresh session.
    /// </summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    private string? _authorization;
    private Dictionary<string, string>? _defaultHeaders;

    [Parameter]
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

    /// <summary>
    /// The value of a row's property for a per-row parameter (by its name or an alias); null when the
    /// input is not a row, the row has no such property, or the parameter was given on the command line.
    /// </summary>
    protected object? FromRow(string parameter, string? alias = null)
    {
        if (InputObject is not { BaseObject: not (string or Uri) } row || MyInvocation.BoundParameters.ContainsKey(parameter))
            return null;
        var property = row.Properties[parameter] ?? (alias is null ? null : row.Properties[alias]);
        return property?.Value;
    }

    /// <summary><see cref="FromRow"/> as text; an empty cell counts as no value.</summary>
    protected string? TextFromRow(string parameter, string? alias = null) =>
        FromRow(parameter, alias) is { } value && LanguagePrimitives.ConvertTo<string>(value) is { } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : null;

    /// <summary>The headers of one request: the user agent, the given headers, then authorization.</summary>
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
    protected void CheckCredentialsAllowed(string url)
    {
        if (_authorization is not null && !AllowUnencryptedAuthentication && UrlParser.Parse(url).Scheme != Uri.UriSchemeHttps)
            throw new InvalidOperationException($"'{UrlRedactor.Redact(url)}': refusing to send credentials over unencrypted http; use https, or -AllowUnencryptedAuthentication.");
    }
}
