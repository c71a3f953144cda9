namespace ParallelTools.Engine.Scheduling;

/// <summary>The single outcome of one submitted item: a result, or the error that ended it.</summary>
/// <param name="Index">Zero-based position of the item in the input.</param>
/// <param name="Item">The item as it was submitted.</param>
/// <param name="Result">The result when the item succeeded.</param>
/// <param name="Error">The exception when the item failed or was cancelled; null on success.</param>
public readonly record struct Outcome<TItem, TResult>(long Index, TItem Item, TResult? Result, Exception? Error)
{
    public bool Succeeded => Error is null;
}
