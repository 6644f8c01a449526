namespace Incus.Sdk.Firewall;

/// <summary>
/// The sections of a device filter, in the order they are installed. Every rule of the model drops,
/// so no frame can be accepted before all identity checks ran; the order is kept anyway so that the
/// listing reads the way the checks are reasoned about.
/// </summary>
public enum NicFilterStage
{
    /// <summary>Ethernet source, ARP sender MAC, NDP target link-layer option.</summary>
    MacIdentity = 1,

    /// <summary>ARP sender IP, IPv4 source, NDP target address, IPv6 source; or the whole family when it is blocked.</summary>
    IpIdentity = 2,

    /// <summary>Router Advertisements from the instance.</summary>
    RouterAdvertisement = 3,

    /// <summary>Only ARP, IPv4 and IPv6 frames; 802.1Q, 802.1ad and everything else is dropped.</summary>
    EthertypeAllowlist = 4,

    /// <summary>
    /// The narrow service exceptions to the host: what the identity stage let through from the
    /// unspecified (DHCPv4) and link-local (RS, DHCPv6) sources is cut down to exactly those services.
    /// </summary>
    ServiceExceptions = 5,
}
