using ParallelTools.Engine.Download;

namespace ParallelTools.Engine.Tests.Download;

public class FileNamesTests
{
    // Hostile names from the CVEs of curl, wget and aria2, and the usual Windows traps.
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\windows\\win.ini", "win.ini")]
    [InlineData("/etc/shadow", "shadow")]
    [InlineData("C:\\Windows\\System32\\evil.dll", "evil.dll")]
    [InlineData("C:evil.exe", "C_evil.exe")]
    [InlineData("file.txt:stream", "file.txt_stream")]
    [InlineData("a<b>c|d?e*f\"g", "a_b_c_d_e_f_g")]
    [InlineData("bell\u0007tab\tnl\n.txt", "bell_tab_nl_.txt")]
    [InlineData("invoice\u202Efdp.exe", "invoice_fdp.exe")]
    [InlineData("trailing. . .", "trailing")]
    [InlineData(".bashrc", "_bashrc")]
    [InlineData("CON", "_CON")]
    [InlineData("nul.txt", "_nul.txt")]
    [InlineData("com1.tar.gz", "_com1.tar.gz")]
    [InlineData("LPT9", "_LPT9")]
    [InlineData("console.txt", "console.txt")]
    [InlineData("  spaced name.txt  ", "spaced name.txt")]
    [InlineData("résumé 日本.txt", "résumé 日本.txt")]
    public void Sanitize_KeepsOneSafeName(string hostile, string expected) =>
        Assert.Equal(expected, FileNames.Sanitize(hostile));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../..")]
    [InlineData("dir/")]
    [InlineData("...")]
    public void Sanitize_GivesNull_WhenNothingSafeIsLeft(string? hostile) =>
        Assert.Null(FileNames.Sanitize(hostile));

    [Fact]
    public void Sanitize_CutsOverLongNames_KeepingTheExtension_AndWholeCharacters()
    {
        string name = FileNames.Sanitize(new string('é', 300) + ".tar")!;
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(name) <= FileNames.MaxNameBytes);
        Assert.EndsWith("é.tar", name);
    }

    [Theory]
    [InlineData("a/b/c.txt", true)]
    [InlineData("a\\b.txt", true)]
    [InlineData("../x.txt", false)]
    [InlineData("a/../../x.txt", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("C:\\x.txt", false)]
    [InlineData("C:x.txt", false)]
    public void SanitizeRelativePath_RefusesEscapes(string path, bool allowed) =>
        Assert.Equal(allowed, FileNames.SanitizeRelativePath(path) is not null);

    [Fact]
    public void ResolveInside_KeepsPathsUnderTheDestination()
    {
        string root = Path.Combine(Path.GetTempPath(), "pt-names");
        Assert.Equal(Path.Combine(root, "a", "b.txt"), FileNames.ResolveInside(root, Path.Combine("a", "b.txt")));
        Assert.Null(FileNames.ResolveInside(root, Path.Combine("..", "b.txt")));
        Assert.Null(FileNames.ResolveInside(root, "."));
        Assert.Null(FileNames.ResolveInside(root, "/etc/passwd"));
    }

    [Theory]
    [InlineData("http://h/files/report%20final.pdf?x=1", "report final.pdf")]
    [InlineData("http://h/a/%2e%2e%2f%2e%2e%2fescape.sh", "escape.sh")]
    [InlineData("http://h/", null)]
    [InlineData("http://h/dir/", null)]
    public void FromUrl_DecodesTheLastSegment(string url, string? expected) =>
        Assert.Equal(expected, FileNames.FromUrl(new Uri(url)));

    [Fact]
    public void FromHost_NamesByHostAndPort() =>
        Assert.Equal("127.0.0.1_8080", FileNames.FromHost(new Uri("http://127.0.0.1:8080/")));

    [Fact]
    public void FromContentDisposition_PrefersFileNameStar_AndSanitises()
    {
        var header = System.Net.Http.Headers.ContentDispositionHeaderValue.Parse("attachment; filename=\"../../a.txt\"; filename*=UTF-8''..%2F..%2Fr%C3%A9sum%C3%A9.txt");
        Assert.Equal("résumé.txt", FileNames.FromContentDisposition(header));
    }
}
