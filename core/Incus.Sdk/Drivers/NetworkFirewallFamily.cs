namespace Incus.Sdk.Drivers;

/// <summary>One address family of a bridge, as its firewall rules need it.</summary>
public sealed record NetworkFirewallFamily
{
    /// <summary><c>ipv4</c> or <c>ipv6</c>.</summary>
    public required string Family { get; init; }

    /// <summary>The bridge's subnet in CIDR form (network address).</summary>
    public required string Subnet { get; init; }

    /// <summary>Masquerade traffic from the subnet leaving it (<c>ipvN.nat</c>).</summary>
    public required bool Nat { get; init; }

    /// <summary>Accept forwarding to and from the bridge (<c>ipvN.routing</c>); otherwise reject it.</summary>
    public required bool Routing { get; init; }

    /// <summary>The bridge runs a DHCP server for this family.</summary>
    public required bool Dhcp { get; init; }
}
