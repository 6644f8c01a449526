namespace Incus.Sdk.Helpers;

/// <summary>
/// The net helper: links, addresses, sysctls, one dnsmasq per bridge and firewall rule installs.
/// Runs as root with only the network capabilities dnsmasq needs. It changes only interfaces and
/// dnsmasq processes it created itself (it records them), each sysctl must be on its allowlist, and
/// rules may only live in tables named <c>incus</c>.
/// </summary>
public partial interface INetHelper
{
    /// <summary>Creates a bridge and records it as owned by this daemon.</summary>
    Task CreateBridgeAsync(BridgeSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Deletes a link that this daemon created.</summary>
    Task DeleteLinkAsync(LinkName link, CancellationToken cancellationToken = default);

    /// <summary>Sets an owned link up or down.</summary>
    Task SetLinkStateAsync(LinkState state, CancellationToken cancellationToken = default);

    /// <summary>Replaces the addresses of an owned link with the given set.</summary>
    Task SetLinkAddressesAsync(LinkAddresses addresses, CancellationToken cancellationToken = default);

    /// <summary>Writes one allowlisted per-interface sysctl on an owned link.</summary>
    Task SetInterfaceSysctlAsync(InterfaceSysctl sysctl, CancellationToken cancellationToken = default);

    /// <summary>Turns on routing for a family (<c>net/ipv4/ip_forward</c>, or IPv6 forwarding on every interface).</summary>
    Task EnableForwardingAsync(ForwardingFamily family, CancellationToken cancellationToken = default);

    /// <summary>Lists the links this daemon owns.</summary>
    Task<IReadOnlyList<string>> ListOwnedLinksAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a veth pair whose host side is attached to a bridge (an owned one, or an existing kernel
    /// bridge the helper leaves otherwise untouched) and up; both ends are recorded as owned. The peer is later handed to the container runtime.
    /// </summary>
    Task CreateVethPairAsync(VethPairSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts (or, when its parameters changed, restarts) the bridge's dnsmasq and keeps it running.
    /// A no-op when it already runs with these parameters.
    /// </summary>
    Task StartDnsmasqAsync(DnsmasqSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Stops the bridge's dnsmasq and removes its files.</summary>
    Task StopDnsmasqAsync(LinkName bridge, CancellationToken cancellationToken = default);

    /// <summary>Replaces the bridge's static host entries; dnsmasq re-reads them (SIGHUP) when they changed.</summary>
    Task SetDnsmasqHostsAsync(DnsmasqHosts hosts, CancellationToken cancellationToken = default);

    /// <summary>The bridge's current DHCP leases, from dnsmasq's lease file.</summary>
    Task<IReadOnlyList<DnsmasqLease>> ListDnsmasqLeasesAsync(LinkName bridge, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies an nftables change in one transaction (<c>nft -j -f -</c>). Every command must name a
    /// table called <c>incus</c>; anything else, including <c>flush ruleset</c>, is refused.
    /// </summary>
    Task ApplyNftablesAsync(NftablesBatch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists objects of the <c>incus</c> tables (<c>nft -j list ...</c>): a cheap way to notice that
    /// rules were removed behind the daemon's back without listing the whole ruleset.
    /// </summary>
    Task<NftablesListing> ListNftablesAsync(NftablesQuery query, CancellationToken cancellationToken = default);
}
