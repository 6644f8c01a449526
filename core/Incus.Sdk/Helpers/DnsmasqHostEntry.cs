namespace Incus.Sdk.Helpers;

/// <summary>One static entry: a NIC's MAC bound to its instance's name and optional reserved addresses.</summary>
public sealed record DnsmasqHostEntry
{
    /// <summary>The NIC's MAC address.</summary>
    public required string HwAddr { get; init; }

    /// <summary>Reserved IPv4 address, or null.</summary>
    public string? Ipv4Address { get; init; }

    /// <summary>Reserved IPv6 address, or null.</summary>
    public string? Ipv6Address { get; init; }

    /// <summary>The DNS name (the instance name), or null when clients name themselves (<c>dns.mode=dynamic</c>).</summary>
    public string? Name { get; init; }
}
