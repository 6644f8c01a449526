namespace Incus.Sdk.Helpers;

/// <summary>The host routes and proxy neighbour entries of one routed NIC.</summary>
public sealed record NicRoutesSpec
{
    /// <summary>The owned host-side veth the routes point at.</summary>
    public required string HostName { get; init; }

    /// <summary>The host interface on which the addresses are proxied (ARP/NDP), or null for none.</summary>
    public string? Parent { get; init; }

    /// <summary>The instance's addresses (plain IPv4 and IPv6 addresses, no prefix).</summary>
    public required IReadOnlyList<string> Addresses { get; init; }

    /// <summary>Further networks routed to the instance, in CIDR form, each via the first address of its family.</summary>
    public IReadOnlyList<string> Routes { get; init; } = [];

    /// <summary>IPv4 routing tables (1-254) to add the routes to.</summary>
    public IReadOnlyList<int> Ipv4Tables { get; init; } = [254];

    /// <summary>IPv6 routing tables (1-254) to add the routes to.</summary>
    public IReadOnlyList<int> Ipv6Tables { get; init; } = [254];
}
