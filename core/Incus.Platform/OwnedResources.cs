namespace Incus.Platform;

/// <summary>
/// Things a testbed made, in the order it made them, disposed of in reverse: each even when an earlier
/// one fails, so that one stuck namespace does not leave the others behind.
/// </summary>
public sealed class OwnedResources : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = new();
    private readonly string _whatFailed;

    /// <param name="whatFailed">The message of the exception when not everything could be disposed of ("the testbed was not fully removed").</param>
    public OwnedResources(string whatFailed) => _whatFailed = whatFailed;

    /// <summary>Takes <paramref name="resource"/> to dispose of later and returns it.</summary>
    public T Add<T>(T resource) where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                await _owned[i].DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        }
        _owned.Clear();
        if (failures.Count > 0)
        {
            throw new AggregateException(_whatFailed, failures);
        }
    }
}
