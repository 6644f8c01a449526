namespace Incus.Sdk.Helpers;

/// <summary>One lease from dnsmasq's lease file.</summary>
public sealed record DnsmasqLease
{
    /// <summary>The client's MAC address (IPv4 leases), or empty for DHCPv6 leases.</summary>
    public required string HwAddr { get; init; }

    /// <summary>The leased address.</summary>
    public required string Address { get; init; }

    /// <summary>The name dnsmasq recorded, or empty.</summary>
    public required string Hostname { get; init; }

    /// <summary>The DHCPv6 client id (DUID), or empty for IPv4 leases.</summary>
    public string ClientId { get; init; } = "";

    /// <summary>Lease expiry, seconds since the epoch (0 for infinite).</summary>
    public long Expiry { get; init; }
}
