namespace Incus.Sdk.Firewall;

/// <summary>
/// What one bridged NIC's anti-spoofing filter must enforce. Allowed lists use the same three-way
/// meaning for both families: null means the family is not filtered, an empty list means the whole
/// family is blocked, and otherwise only those addresses and prefixes may be used as sources.
/// </summary>
public sealed record NicFilterSpec
{
    /// <summary>The instance, for logs and messages.</summary>
    public required string Instance { get; init; }

    /// <summary>The device name, for logs and messages.</summary>
    public required string Device { get; init; }

    /// <summary>The host-side interface; the filter matches frames that enter the bridge through it.</summary>
    public required string HostName { get; init; }

    /// <summary>The NIC's MAC address (<c>volatile.&lt;dev&gt;.hwaddr</c>).</summary>
    public required string HwAddr { get; init; }

    /// <summary><c>security.mac_filtering</c>; either IP filter implies it.</summary>
    public bool MacFiltering { get; init; }

    /// <summary>Allowed IPv4 sources (addresses or CIDRs); see the type's remarks for null and empty.</summary>
    public IReadOnlyList<string>? Ipv4Allowed { get; init; }

    /// <summary>Allowed IPv6 sources (addresses or CIDRs); see the type's remarks for null and empty.</summary>
    public IReadOnlyList<string>? Ipv6Allowed { get; init; }

    /// <summary>Whether any filter is on, i.e. whether the NIC needs a filter chain at all.</summary>
    public bool Enabled => MacFiltering || Ipv4Allowed is not null || Ipv6Allowed is not null;
}
