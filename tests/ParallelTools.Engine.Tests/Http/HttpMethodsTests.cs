using ParallelTools.Engine.Http;

namespace ParallelTools.Engine.Tests.Http;

public class HttpMethodsTests
{
    [Theory]
    [InlineData("get")]
    [InlineData("Post")]
    [InlineData("OPTIONS")]
    public void Parse_GivesTheSharedInstanceOfAStandardMethodInAnyCase(string name)
    {
        var parsed = HttpMethods.Parse(name);

        Assert.Contains(HttpMethods.Standard, standard => ReferenceEquals(standard, parsed));
        Assert.Equal(name.ToUpperInvariant(), parsed.Method);
    }

    [Fact]
    public void Parse_GivesAnyOtherMethodUpperCased()
    {
        var parsed = HttpMethods.Parse("purge");

        Assert.Equal("PURGE", parsed.Method);
        Assert.DoesNotContain(HttpMethods.Standard, standard => ReferenceEquals(standard, parsed));
    }
}
