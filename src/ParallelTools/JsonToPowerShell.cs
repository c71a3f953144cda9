using System.Management.Automation;
using System.Text.Json;

namespace ParallelTools;

/// <summary>Turns a JSON document into what ConvertFrom-Json gives: PSCustomObjects, arrays and scalars.</summary>
internal static class JsonToPowerShell
{
    public static object? Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Convert(document.RootElement);
    }

    private static object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(Convert).ToArray(),
        JsonValueKind.String => element.TryGetDateTime(out var date) && element.GetString()!.Contains('T') ? date : element.GetString(),
        JsonValueKind.Number => element.TryGetInt32(out int i) ? i : element.TryGetInt64(out long l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static PSObject ToObject(JsonElement element)
    {
        var result = new PSObject();
        foreach (var property in element.EnumerateObject())
            result.Properties.Add(new PSNoteProperty(property.Name, Convert(property.Value)));
        return result;
    }
}
