using System.Management.Automation.Language;

namespace ParallelTools;

/// <summary>
/// Whether a user's script can run in place inside a worker's loop (see <see cref="WorkerScripts.Loop"/>)
/// and behave exactly as if invoked per item. It can when it is a plain body: no param block or
/// named blocks, no arguments, nothing that would reach the loop around it (return, break,
/// continue, exit, trap, $input, $args).
/// </summary>
internal static class InlineCheck
{
    private static readonly HashSet<string> LoopVariables = new(StringComparer.OrdinalIgnoreCase)
        { "args", "input", "PSBoundParameters", "MyInvocation", "PSCmdlet" };

    public static bool CanInline(ScriptBlockAst ast, int argumentCount)
    {
        if (argumentCount > 0 || ast.ParamBlock is not null || ast.BeginBlock is not null || ast.ProcessBlock is not null
            || ast.DynamicParamBlock is not null || ast.EndBlock is null || !ast.EndBlock.Unnamed)
            return false;
        return !ast.EndBlock.FindAll(ReachesTheLoop, searchNestedScriptBlocks: false).Any()
            && !ast.FindAll(a => a is VariableExpressionAst v && LoopVariables.Contains(v.VariablePath.UserPath), searchNestedScriptBlocks: true).Any();
    }

    private static bool ReachesTheLoop(Ast ast) =>
        ast is ReturnStatementAst or BreakStatementAst or ContinueStatementAst or ExitStatementAst or TrapStatementAst;
}
