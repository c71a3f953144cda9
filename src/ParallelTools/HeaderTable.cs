using System.Collections;
using System.Management.Automation;
using System.Text.Json;

namespace ParallelTools;

/// <summary>
/// Reads request headers given as a hashtable, or (from a CSV column) as a JSON object string such
/// as <c>{"X-Api-Key":"k"}</c>.
/// </summary>
internal static class HeaderTable
{
    public static IDictionary From(object? headers)
    {
        switch (headers is PSObject ps ? ps.BaseObject : headers)
        {
            case null:
                return new Hashtable();
            case IDictionary dictionary:
                return dictionary;
            case string text when string.IsNullOrWhiteSpace(text):
                return new Hashtable();
            case string text:
                try
                {
                    var parsed = JsonSerializer.Deserialize<Dictionary<string, string>>(text);
                    return parsed ?? new Dictionary<string, string>();
                }
                catch (JsonException ex)
                {
                    throw new PSArgumentException($"-Headers must be a hashtable or a JSON object of strings: {ex.Message}");
                }
            default:
                throw new PSArgumentException("-Headers must be a hashtable or a JSON object of strings.");
        }
    }
}
