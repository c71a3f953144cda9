using System.Collections;
using System.Management.Automation;
using System.Net;
using System.Text;
using ParallelTools.Engine.Http;
using ParallelTools.Engine.Scheduling;

namespace ParallelTools;

/// <summary>Fetches many URLs concurrently with async I/O on one shared connection pool.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "AsyncFetch")]
[OutputType(typeof(FetchResult))]
public sealed class InvokeAsyncFetchCommand : ScheduledCmdlet<InvokeAsyncFetchCommand.Input, FetchResult>
{
    /// <summary>Requests in flight by default: the knee of the curve measured with build.ps1 -Task Bench.</summary>
    public const int DefaultThrottle = 64;

    private Fetcher? _fetcher;
    private string? _authorization;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Uri")]
    [AllowEmptyString]
    public string Url { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Method { get; set; } = "GET";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object? Headers { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object? Body { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ContentType { get; set; }

    [Parameter]
    public string UserAgent { get; set; } = $"ParallelTools/{typeof(InvokeAsyncFetchCommand).Assembly.GetName().Version?.ToString(3)}";

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
    public int TimeoutSec { get; set; } = 100;

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int IdleTimeoutSec { get; set; } = 30;

    [Parameter]
    [ValidateRange(0, 100)]
    public int MaximumRetryCount { get; set; }

    [Parameter]
    [ValidateRange(0.0, 3600.0)]
    public double RetryIntervalSec { get; set; } = 1;

    [Parameter]
    [ValidateRange(0, 100)]
    public int MaximumRedirection { get; set; } = 5;

    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long MaximumResponseBytes { get; set; } = 64L * 1024 * 1024;

    [Parameter]
    public SwitchParameter AsByteArray { get; set; }

    [Parameter]
    public SwitchParameter AsJson { get; set; }

    [Parameter]
    public SwitchParameter SkipHttpErrorCheck { get; set; }

    protected override int DefaultThrottleLimit => DefaultThrottle;

    protected override void BeginProcessing()
    {
        if (AsByteArray && AsJson)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-AsByteArray and -AsJson cannot be used together."),
                "ParallelTools.ConflictingParameters", ErrorCategory.InvalidArgument, null));
        if (SkipCertificateCheck)
            WriteWarning("-SkipCertificateCheck: server certificates are NOT checked. Anyone on the network path can read and change this traffic. Use it only with test servers you control.");
        _authorization = AuthorizationHeader.From(Authentication, Credential, Token);

        var client = HttpClientCache.Get(new HttpClientSettings { Proxy = Proxy, SkipCertificateCheck = SkipCertificateCheck });
        _fetcher = new Fetcher(client, new FetchOptions
        {
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            IdleTimeout = TimeSpan.FromSeconds(IdleTimeoutSec),
            MaximumResponseBytes = MaximumResponseBytes,
            AsByteArray = AsByteArray,
            HttpVersion = HttpVersion == "2.0" ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
            PerHostLimit = PerHostLimit > 0 ? PerHostLimit : null,
            Retry = new RetryPolicy { MaximumRetryCount = MaximumRetryCount, RetryInterval = TimeSpan.FromSeconds(RetryIntervalSec) },
            Redirect = new RedirectPolicy
            {
                MaximumRedirection = MaximumRedirection,
                SecretHeaders = new HashSet<string>(SecretHeader, StringComparer.OrdinalIgnoreCase),
            },
        });
        base.BeginProcessing();
    }

    /// <summary>One pipeline record as bound; turned into a request off the pipeline thread, so a bad row is that row's error.</summary>
    public sealed record Input(string Url, string Method, object? Headers, object? Body, string? ContentType);

    protected override void ProcessRecord() => Submit(new Input(Url, Method, Headers, Body, ContentType));

    protected override async Task<FetchResult> RunItemAsync(Input item, CancellationToken cancellationToken)
    {
        var request = ToRequest(item);
        if (_authorization is not null && !AllowUnencryptedAuthentication && UrlParser.Parse(item.Url).Scheme != Uri.UriSchemeHttps)
            throw new InvalidOperationException($"'{UrlRedactor.Redact(item.Url)}': refusing to send credentials over unencrypted http; use https, or -AllowUnencryptedAuthentication.");
        var result = await _fetcher!.FetchAsync(request, cancellationToken).ConfigureAwait(false);
        if (AsJson && result.Content is { Length: > 0 } json && (result.IsSuccessStatusCode || SkipHttpErrorCheck))
            result.Json = JsonToPowerShell.Parse(json);
        return result;
    }

    protected override bool WriteOutcome(Outcome<Input, FetchResult> outcome)
    {
        string target = UrlRedactor.Redact(outcome.Item.Url);
        if (!outcome.Succeeded)
        {
            WriteError(ErrorRecords.ForFetch(target, outcome.Error!));
            return false;
        }
        var result = outcome.Result!;
        if (!result.IsSuccessStatusCode && result.StatusCode >= 400 && !SkipHttpErrorCheck)
        {
            WriteError(ErrorRecords.ForFetch(target, new HttpStatusException(result)));
            return false;
        }
        WriteObject(AsJson ? result.Json : result);
        return true;
    }

    private FetchRequest ToRequest(Input item) => new()
    {
        Url = item.Url,
        Method = new HttpMethod(item.Method.ToUpperInvariant()),
        Headers = RequestHeaders(item.Headers),
        Body = BodyBytes(item.Body),
        ContentType = item.Body is null ? null : item.ContentType ?? (item.Body is byte[] ? "application/octet-stream" : "text/plain; charset=utf-8"),
    };

    private Dictionary<string, string> RequestHeaders(object? given)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["User-Agent"] = UserAgent };
        foreach (DictionaryEntry entry in HeaderTable.From(given))
            headers[entry.Key.ToString()!] = entry.Value?.ToString() ?? "";
        if (_authorization is not null)
            headers["Authorization"] = _authorization;
        return headers;
    }

    private static byte[]? BodyBytes(object? body) => body switch
    {
        null => null,
        PSObject ps => BodyBytes(ps.BaseObject),
        byte[] bytes => bytes,
        string text => Encoding.UTF8.GetBytes(text),
        _ => Encoding.UTF8.GetBytes(body.ToString() ?? ""),
    };
}
