namespace Incus.Sdk.Firewall;

/// <summary>One check of a device filter. A frame matching the check is dropped.</summary>
public enum NicFilterRuleKind
{
    /// <summary>The Ethernet source differs from <see cref="NicFilterRule.Mac"/>.</summary>
    EtherSourceNotMac,

    /// <summary>An ARP packet whose sender hardware address differs from the MAC.</summary>
    ArpSenderMacNotMac,

    /// <summary>
    /// A Neighbor Advertisement the link-layer check could be fooled about: one behind IPv6 extension
    /// headers (which move the option), or one whose options are anything but a single target
    /// link-layer address option.
    /// </summary>
    NeighborAdvertUnexpectedLayout,

    /// <summary>A Neighbor Advertisement whose target link-layer address option differs from the MAC.</summary>
    NeighborAdvertLinkLayerNotMac,

    /// <summary>An ARP packet whose sender IP is not in <see cref="NicFilterRule.Addresses"/>.</summary>
    ArpSenderIpNotAllowed,

    /// <summary>An IPv4 packet whose source is not allowed (the input variant also lets 0.0.0.0 through to the exceptions).</summary>
    Ipv4SourceNotAllowed,

    /// <summary>Every ARP packet (IPv4 blocked).</summary>
    ArpBlocked,

    /// <summary>Every IPv4 packet (IPv4 blocked).</summary>
    Ipv4Blocked,

    /// <summary>A Neighbor Advertisement whose target address is not allowed.</summary>
    NeighborAdvertTargetNotAllowed,

    /// <summary>An IPv6 packet whose source is not allowed (the input variant also lets fe80::/10 through to the exceptions).</summary>
    Ipv6SourceNotAllowed,

    /// <summary>Every IPv6 packet (IPv6 blocked).</summary>
    Ipv6Blocked,

    /// <summary>Any Router Advertisement (ICMPv6 type 134).</summary>
    RouterAdvertisement,

    /// <summary>Any frame whose ethertype is not ARP, IPv4 or IPv6.</summary>
    EthertypeNotAllowed,

    /// <summary>
    /// A packet from 0.0.0.0 that is not a DHCP client message to the host: not to
    /// 255.255.255.255, not UDP to port 67, or with a client hardware address other than the MAC.
    /// </summary>
    UnspecifiedSourceNotDhcp,

    /// <summary>
    /// A packet from a link-local source that is not a Router Solicitation to ff02::2 or a DHCPv6
    /// message to ff02::1:2 port 547.
    /// </summary>
    LinkLocalSourceNotSolicitationOrDhcpv6,
}
