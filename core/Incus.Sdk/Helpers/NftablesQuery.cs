namespace Incus.Sdk.Helpers;

/// <summary>Objects of the <c>incus</c> tables to list, for cheap drift checks.</summary>
public sealed record NftablesQuery
{
    /// <summary>At most 16 objects.</summary>
    public required IReadOnlyList<NftablesObject> Objects { get; init; }
}
