using Incus.Sdk.Helpers;

namespace Incus.Sdk.Drivers;

/// <summary>What a storage driver is given to act on one pool.</summary>
public sealed record StoragePoolContext
{
    /// <summary>The pool's name.</summary>
    public required string Name { get; init; }

    /// <summary>The pool's validated config.</summary>
    public required IReadOnlyDictionary<string, string> Config { get; init; }

    /// <summary>The storage operations of the instance helper.</summary>
    public required IStorageHelper Helper { get; init; }
}
