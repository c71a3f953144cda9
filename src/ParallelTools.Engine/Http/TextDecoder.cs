using System.Text;

namespace ParallelTools.Engine.Http;

internal static class TextDecoder
{
    public static string Decode(byte[] body, string? charset)
    {
        Encoding encoding = Encoding.UTF8;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"', ' '));
            }
            catch (ArgumentException)
            {
                // An unknown charset falls back to UTF-8, as browsers do.
            }
        }
        ReadOnlySpan<byte> bytes = body;
        ReadOnlySpan<byte> preamble = encoding.Preamble;
        if (!preamble.IsEmpty && bytes.StartsWith(preamble))
            bytes = bytes[preamble.Length..];
        return encoding.GetString(bytes);
    }
}
