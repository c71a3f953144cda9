using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace ParallelTools;

/// <summary>Tab completion for -Method: the standard HTTP methods (any other method name is still accepted).</summary>
public sealed class HttpMethodCompleter : IArgumentCompleter
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        foreach (string method in Methods)
        {
            if (method.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(method, method, CompletionResultType.ParameterValue, $"HTTP {method}");
        }
    }
}
