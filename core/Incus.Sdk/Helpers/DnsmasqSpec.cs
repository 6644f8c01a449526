namespace Incus.Sdk.Helpers;

/// <summary>
/// Typed parameters for one bridge's dnsmasq. The helper turns them into its own argv; nothing here
/// is passed through as a raw option.
/// </summary>
public sealed record DnsmasqSpec
{
    /// <summary>The owned bridge dnsmasq serves.</summary>
    public required string Bridge { get; init; }

    /// <summary>The bridge's IPv4 address (no prefix), or null when the bridge has none.</summary>
    public string? Ipv4Address { get; init; }

    /// <summary>DHCPv4 ranges as "first-last" pairs of addresses inside the bridge subnet; empty for no DHCPv4.</summary>
    public IReadOnlyList<string> Ipv4DhcpRanges { get; init; } = [];

    /// <summary>The bridge's IPv6 address in CIDR form, or null when the bridge has none.</summary>
    public string? Ipv6Address { get; init; }

    /// <summary>Send router advertisements (SLAAC) on the bridge.</summary>
    public bool Ipv6RouterAdvertisements { get; init; }

    /// <summary>DHCPv6: <c>none</c>, <c>stateless</c> or <c>stateful</c>.</summary>
    public string Ipv6Dhcp { get; init; } = "none";

    /// <summary>DHCP lease time in seconds (60 s to 30 days).</summary>
    public int LeaseSeconds { get; init; } = 3600;

    /// <summary>The local DNS domain, or null when dnsmasq serves no DNS (<c>dns.mode=none</c>).</summary>
    public string? DnsDomain { get; init; }

    /// <summary>
    /// Register the names DHCP clients send (<c>dns.mode=dynamic</c>). Off by default: names come from
    /// the static host entries only, so an instance cannot claim another's name.
    /// </summary>
    public bool ClientNames { get; init; }

    /// <summary>The bridge MTU to announce over DHCP, or null for the default.</summary>
    public int? Mtu { get; init; }
}
