namespace Incus.Sdk.Helpers;

/// <summary>The complete address set of a link.</summary>
public sealed record LinkAddresses
{
    /// <summary>Interface name.</summary>
    public required string Name { get; init; }

    /// <summary>Addresses in CIDR form (IPv4 or IPv6); at most 64.</summary>
    public required IReadOnlyList<string> Addresses { get; init; }
}
