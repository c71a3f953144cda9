using System.Collections;
using System.Management.Automation;
using System.Text.Json;

namespace ParallelTools;

/// <summary>
/// Reads request headers given as a hashtable, an object from ConvertFrom-Json, or (from a CSV
/// column) a JSON object string such as <c>{"X-Api-Key":"k"}</c>.
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
            case PSCustomObject when headers is PSObject fromJson: // ConvertFrom-Json
                var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
                foreach (var property in fromJson.Properties)
                    table[property.Name] = property.Value;
                return table;
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
                    throw new PSArgumentException($"-Headers must be a hashtable, an object of ConvertFrom-Json, or a JSON object of strings: {ex.Message}");
                }
            default:
                throw new PSArgumentException("-Headers must be a hashtable, an object of ConvertFrom-Json, or a JSON object of strings.");
        }
    }
}
