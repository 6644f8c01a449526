namespace Incus.Sdk.Helpers;

/// <summary>
/// Routed NICs: the host routes traffic to an instance's addresses through an owned veth, answers
/// ARP/NDP for them on an uplink it does not own, and never changes that uplink's settings.
/// </summary>
public partial interface INetHelper
{
    /// <summary>
    /// Creates a veth pair attached to no bridge, both ends down and recorded as owned. The peer is later
    /// handed to the container runtime.
    /// </summary>
    Task CreateRoutedVethAsync(RoutedVethSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds, for an owned veth, a host route per address and per extra route (via the first address of
    /// its family) to each table, and permanent proxy ARP/NDP entries for the addresses on the parent.
    /// The helper records which proxy entries belong to which veth; an address already proxied for
    /// another veth is refused.
    /// </summary>
    Task AddNicRoutesAsync(NicRoutesSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Removes the proxy entries recorded for an owned veth (its routes go with the link).</summary>
    Task RemoveNicRoutesAsync(LinkName host, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks on an interface whether another node answers for an address (an ARP probe or an NDP
    /// neighbour solicitation, waiting about 100 ms). True when the address is in use.
    /// </summary>
    Task<bool> ProbeNeighborAsync(NeighborProbe probe, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the VLAN interface <c>&lt;parent&gt;.&lt;id&gt;</c> on a host interface, up, and records it as
    /// owned. A no-op when this daemon already created it.
    /// </summary>
    Task CreateVlanAsync(VlanSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Deletes an owned VLAN interface unless proxy entries recorded for other NICs still use it.</summary>
    Task ReleaseVlanAsync(LinkName vlan, CancellationToken cancellationToken = default);
}
