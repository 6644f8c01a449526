namespace Incus.Sdk.Drivers;

/// <summary>A lease or reservation as <c>GET /1.0/networks/{name}/leases</c> shows it.</summary>
public sealed record NetworkLeaseInfo
{
    /// <summary>The DNS name.</summary>
    public required string Hostname { get; init; }

    /// <summary>The MAC address, or empty for DHCPv6 leases.</summary>
    public required string HwAddr { get; init; }

    /// <summary>The address.</summary>
    public required string Address { get; init; }

    /// <summary><c>static</c> for reservations, <c>dynamic</c> for leases.</summary>
    public required string Type { get; init; }
}
