using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ParallelTools.Engine.Http;

namespace ParallelTools;

/// <summary>Tab completion for -Method: the standard HTTP methods (any other method name is still accepted).</summary>
public sealed class HttpMethodCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        foreach (string method in HttpMethods.Standard.Select(m => m.Method))
        {
            if (method.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(method, method, CompletionResultType.ParameterValue, $"HTTP {method}");
        }
    }
}
