using System.Net;
using ParallelTools.Engine.Http;

namespace ParallelTools.Engine.Tests.Http;

public class RedirectPolicyTests
{
    private static readonly RedirectPolicy Policy = new() { MaximumRedirection = 3 };

    [Fact]
    public void RelativeLocation_ResolvesAgainstTheCurrentUrl()
    {
        var next = Policy.Next(new Uri("http://a.test/x/y"), new Uri("../z?q=1", UriKind.Relative), 0, new HashSet<Uri>());
        Assert.Equal(new Uri("http://a.test/z?q=1"), next);
    }

    [Fact]
    public void HttpsToHttp_IsRefused()
    {
        var error = Assert.Throws<RedirectException>(() => Policy.Next(new Uri("https://a.test/"), new Uri("http://a.test/"), 0, new HashSet<Uri>()));
        Assert.Contains("https to http", error.Message);
    }

    [Fact]
    public void NonHttpSchemes_AreRefused() =>
        Assert.Throws<RedirectException>(() => Policy.Next(new Uri("http://a.test/"), new Uri("file:///etc/passwd"), 0, new HashSet<Uri>()));

    [Fact]
    public void Loops_AreDetected()
    {
        var visited = new HashSet<Uri> { new("http://a.test/1"), new("http://a.test/2") };
        var error = Assert.Throws<RedirectException>(() => Policy.Next(new Uri("http://a.test/2"), new Uri("/1", UriKind.Relative), 1, visited));
        Assert.Contains("redirect loop", error.Message);
    }

    [Fact]
    public void TooManyHops_AreRefused()
    {
        var error = Assert.Throws<RedirectException>(() => Policy.Next(new Uri("http://a.test/"), new Uri("http://a.test/next"), 3, new HashSet<Uri>()));
        Assert.Contains("too many redirects", error.Message);
    }

    [Fact]
    public void MissingLocation_IsAnError() =>
        Assert.Throws<RedirectException>(() => Policy.Next(new Uri("http://a.test/"), null, 0, new HashSet<Uri>()));

    [Theory]
    [InlineData("http://a.test/x", "http://a.test:80/y", true)]
    [InlineData("http://a.test/", "https://a.test/", false)]
    [InlineData("http://a.test/", "http://b.test/", false)]
    [InlineData("http://a.test:8080/", "http://a.test:8081/", false)]
    [InlineData("http://A.test/", "http://a.TEST/", true)]
    public void Origin_IsSchemeHostAndPort(string a, string b, bool same) =>
        Assert.Equal(same, RedirectPolicy.SameOrigin(new Uri(a), new Uri(b)));

    [Fact]
    public void Secrets_AreTheFixedSetPlusTheUsersNames()
    {
        var policy = new RedirectPolicy { SecretHeaders = new HashSet<string>(["X-Api-Key"], StringComparer.OrdinalIgnoreCase) };
        Assert.True(policy.IsSecret("authorization"));
        Assert.True(policy.IsSecret("Cookie"));
        Assert.True(policy.IsSecret("Proxy-Authorization"));
        Assert.True(policy.IsSecret("x-api-key"));
        Assert.False(policy.IsSecret("Accept"));
    }

    [Theory]
    [InlineData(HttpStatusCode.SeeOther, "POST", "GET")]
    [InlineData(HttpStatusCode.Found, "POST", "GET")]
    [InlineData(HttpStatusCode.MovedPermanently, "POST", "GET")]
    [InlineData(HttpStatusCode.TemporaryRedirect, "POST", "POST")]
    [InlineData(HttpStatusCode.PermanentRedirect, "PUT", "PUT")]
    [InlineData(HttpStatusCode.SeeOther, "HEAD", "HEAD")]
    public void NextMethod_FollowsBrowserRules(HttpStatusCode status, string method, string expected) =>
        Assert.Equal(expected, RedirectPolicy.NextMethod(status, new HttpMethod(method)).Method);
}
