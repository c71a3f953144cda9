using System.Management.Automation;

namespace ParallelTools;

/// <summary>
/// Turns a [uri] into its text where -Url takes a string. A row's Url property binds by name only
/// when no conversion is needed, so a row whose Url was a [uri] was bound whole, by value, as the
/// text of the row ("@{Url=...}") and failed as a malformed URL.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UrlTextAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        (inputData is PSObject ps ? ps.BaseObject : inputData) is Uri uri ? uri.OriginalString : inputData;
}
