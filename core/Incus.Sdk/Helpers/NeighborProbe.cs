namespace Incus.Sdk.Helpers;

/// <summary>An ARP (IPv4) or NDP (IPv6) probe for one address on one interface.</summary>
public sealed record NeighborProbe
{
    /// <summary>The interface to probe on.</summary>
    public required string Interface { get; init; }

    /// <summary>The address to look for.</summary>
    public required string Address { get; init; }
}
