namespace Incus.Sdk.Helpers;

/// <summary>The answer to an <see cref="NftablesQuery"/>.</summary>
public sealed record NftablesListing
{
    /// <summary>False when at least one object (or its table) does not exist; then there are no documents.</summary>
    public required bool Found { get; init; }

    /// <summary>nft's JSON listing, one document per object, in the order asked.</summary>
    public required IReadOnlyList<string> Documents { get; init; }
}
