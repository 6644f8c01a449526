namespace Incus.Sdk.Drivers;

/// <summary>
/// A storage pool driver (for example <c>dir</c>). It decides what a pool needs and asks the
/// instance helper to do it; it never touches the filesystem as root itself.
/// </summary>
public interface IStorageDriver : IDriver
{
    /// <summary>Checks a pool's config; returns the error message for the first invalid key, or null.</summary>
    string? ValidateConfig(IReadOnlyDictionary<string, string> config);

    /// <summary>Creates the pool's storage. On failure nothing of the pool may remain.</summary>
    Task CreatePoolAsync(StoragePoolContext pool, CancellationToken cancellationToken);

    /// <summary>Removes the pool's storage. Refuses when the pool still holds instances.</summary>
    Task DeletePoolAsync(StoragePoolContext pool, CancellationToken cancellationToken);
}
