using System.Management.Automation;
using System.Management.Automation.Language;

namespace ParallelTools;

/// <summary>
/// Decides whether a worker may run the user's script as the process block of one long-lived
/// pipeline (about 3 µs an item) instead of calling it afresh for each item (about 10 µs: a new
/// command, scope and lifecycle log every time).
/// </summary>
/// <remarks>
/// The two differ only in scope: a process block keeps, from one item to the next, the variables
/// and functions the script defines. So only a script that defines none, takes no arguments and
/// has a plain body runs as a process block; any other keeps the fresh scope for every item that
/// ForEach-Object -Parallel gives.
/// </remarks>
internal static class StatelessScript
{
    private static readonly string[] VariableCommands =
        ["Set-Variable", "New-Variable", "Clear-Variable", "Remove-Variable", "sv", "nv", "clv", "rv", "Set-Item", "si", "New-Item", "ni",
         "Tee-Object", "tee", "Set-Alias", "New-Alias", "sal", "nal", "Set-StrictMode"];

    // Common parameters that store into a variable, and their aliases (prefixes match abbreviations).
    private static readonly string[] VariableParameters =
        ["OutVariable", "ErrorVariable", "WarningVariable", "InformationVariable", "PipelineVariable", "ov", "ev", "wv", "iv", "pv"];

    private static readonly string[] ArgumentVariables = ["args", "input", "PSBoundParameters"];

    public static bool CanRunAsProcessBlock(ScriptBlock scriptBlock, int argumentCount)
    {
        if (argumentCount > 0 || scriptBlock.Ast is not ScriptBlockAst ast)
            return false;
        if (ast.ParamBlock is not null || ast.BeginBlock is not null || ast.ProcessBlock is not null
            || ast.DynamicParamBlock is not null || ast.EndBlock is not { Unnamed: true }
            || ast.UsingStatements.Count > 0 || ast.ScriptRequirements is not null)
            return false;
        return ast.Find(DefinesStateOrTakesArguments, searchNestedScriptBlocks: true) is null;
    }

    private static bool DefinesStateOrTakesArguments(Ast node) => node switch
    {
        AssignmentStatementAst a => !DiscardsOutput(a),
        ForEachStatementAst or FunctionDefinitionAst or TypeDefinitionAst or DataStatementAst => true,
        UnaryExpressionAst { TokenKind: TokenKind.PlusPlus or TokenKind.MinusMinus or TokenKind.PostfixPlusPlus or TokenKind.PostfixMinusMinus } => true,
        VariableExpressionAst v => ArgumentVariables.Contains(v.VariablePath.UserPath, StringComparer.OrdinalIgnoreCase),
        CommandAst c => c.GetCommandName() is { } name && VariableCommands.Contains(name, StringComparer.OrdinalIgnoreCase),
        CommandParameterAst p => VariableParameters.Any(v => v.StartsWith(p.ParameterName, StringComparison.OrdinalIgnoreCase) && p.ParameterName.Length >= 2),
        _ => false,
    };

    // `$null = ...` discards a value and defines no variable. A common idiom: 10,000 items of { $null = $_ * $_; $_ }
    // on Invoke-ThreadMap took 0.49-0.58 s called per item, 0.21-0.25 s as a process block.
    private static bool DiscardsOutput(AssignmentStatementAst assignment) =>
        assignment is { Operator: TokenKind.Equals, Left: VariableExpressionAst { VariablePath.UserPath: var name } }
        && name.Equals("null", StringComparison.OrdinalIgnoreCase);
}
