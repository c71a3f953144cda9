namespace ParallelTools.Engine.Workers;

/// <summary>
/// Items waiting for a worker. Items put back after their worker died go to the front, so the
/// oldest item never waits behind newer ones (which, in input order, could wait on it).
/// </summary>
internal sealed class PendingQueue
{
    private readonly LinkedList<PendingItem> _items = new();
    private readonly SemaphoreSlim _count = new(0);

    public int Count
    {
        get { lock (_items) return _items.Count; }
    }

    public void Add(PendingItem item)
    {
        lock (_items) _items.AddLast(item);
        _count.Release();
    }

    public void PutBack(IEnumerable<PendingItem> items)
    {
        int n = 0;
        lock (_items)
        {
            foreach (var item in items.Reverse())
            {
                _items.AddFirst(item);
                n++;
            }
        }
        if (n > 0)
            _count.Release(n);
    }

    /// <summary>Waits for an item (blocking: the pool's dispatchers have threads of their own).</summary>
    public PendingItem Take(CancellationToken cancellationToken)
    {
        _count.Wait(cancellationToken);
        return TakeFirst();
    }

    public bool TryTake(out PendingItem? item)
    {
        if (!_count.Wait(0))
        {
            item = null;
            return false;
        }
        item = TakeFirst();
        return true;
    }

    public List<PendingItem> TakeAll()
    {
        var all = new List<PendingItem>();
        while (TryTake(out var item))
            all.Add(item!);
        return all;
    }

    private PendingItem TakeFirst()
    {
        lock (_items)
        {
            var first = _items.First!.Value;
            _items.RemoveFirst();
            return first;
        }
    }
}
