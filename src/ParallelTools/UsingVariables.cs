using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;

namespace ParallelTools;

/// <summary>
/// A scriptblock made ready to run elsewhere: every <c>$using:</c> expression is evaluated once in
/// the caller's session and replaced in the text by a plain variable (<c>$__ptUsing0</c>, ...) that
/// the worker defines before running it.
/// </summary>
internal sealed class UsingVariables
{
    private UsingVariables(string scriptText, IReadOnlyList<string> names, IReadOnlyList<object?> values)
    {
        ScriptText = scriptText;
        Names = names;
        Values = values;
    }

    /// <summary>The script's text with <c>$using:</c> expressions replaced (and without its outer braces).</summary>
    public string ScriptText { get; }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<object?> Values { get; }

    public static UsingVariables From(ScriptBlock scriptBlock, PSCmdlet caller)
    {
        var ast = (ScriptBlockAst)scriptBlock.Ast;
        string text = ast.Extent.Text;
        int baseOffset = ast.Extent.StartOffset;
        var usings = ast.FindAll(a => a is UsingExpressionAst, searchNestedScriptBlocks: true)
            .Cast<UsingExpressionAst>()
            .OrderBy(u => u.Extent.StartOffset)
            .ToList();

        var names = new List<string>();
        var values = new List<object?>();
        var nameOf = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var rewritten = new StringBuilder();
        int copied = 0;
        foreach (var usingAst in usings)
        {
            string expression = usingAst.SubExpression.Extent.Text;
            if (!nameOf.TryGetValue(expression, out var name))
            {
                name = $"__ptUsing{names.Count}";
                nameOf[expression] = name;
                names.Add(name);
                values.Add(Evaluate(usingAst, caller));
            }
            int start = usingAst.Extent.StartOffset - baseOffset;
            rewritten.Append(text, copied, start - copied).Append('$').Append(name);
            copied = usingAst.Extent.EndOffset - baseOffset;
        }
        rewritten.Append(text, copied, text.Length - copied);

        string result = rewritten.ToString();
        if (ast.Parent is ScriptBlockExpressionAst && result.StartsWith('{') && result.EndsWith('}'))
            result = result[1..^1];
        return new UsingVariables(result, names, values);
    }

    private static object? Evaluate(UsingExpressionAst usingAst, PSCmdlet caller)
    {
        if (usingAst.SubExpression is VariableExpressionAst variable)
            return caller.SessionState.PSVariable.GetValue(variable.VariablePath.UserPath);

        // $using:x.Name, $using:list[0]: evaluate the expression with $using:x read as $x, in the caller's scope.
        var root = UsingExpressionAst.ExtractUsingVariable(usingAst);
        string expression = usingAst.SubExpression.Extent.Text;
        int at = root.Extent.StartOffset - usingAst.SubExpression.Extent.StartOffset;
        expression = expression[..at] + "$" + root.VariablePath.UserPath + expression[(at + root.Extent.Text.Length)..];
        var results = caller.InvokeCommand.InvokeScript(false, ScriptBlock.Create(expression), null);
        return results.Count == 1 ? results[0] : results.ToArray();
    }
}
