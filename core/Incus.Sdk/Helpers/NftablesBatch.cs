namespace Incus.Sdk.Helpers;

/// <summary>An nftables change in libnftables JSON (<c>{"nftables":[...]}</c>), applied in one transaction.</summary>
public sealed record NftablesBatch
{
    /// <summary>The JSON document.</summary>
    public required string Json { get; init; }
}
