namespace Incus.Sdk.Helpers;

/// <summary>Names one storage pool.</summary>
public sealed record PoolName
{
    /// <summary>Pool name: 1–63 characters of [A-Za-z0-9_.-], starting with a letter or digit.</summary>
    public required string Name { get; init; }
}
