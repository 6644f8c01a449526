namespace Incus.Sdk.Drivers;

/// <summary>
/// Addresses allocated to a NIC that has no static address but needs one (a filter must know what
/// to allow). They stay with the NIC across restarts, like a static DHCP entry.
/// </summary>
public sealed record NicReservations
{
    /// <summary>The reserved IPv4 address, or null.</summary>
    public string? Ipv4 { get; init; }

    /// <summary>The reserved IPv6 address, or null.</summary>
    public string? Ipv6 { get; init; }
}
