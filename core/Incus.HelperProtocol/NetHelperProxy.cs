using Incus.Sdk.Helpers;
using StreamJsonRpc;

namespace Incus.HelperProtocol;

/// <summary>The core's client for <see cref="INetHelper"/>; see <see cref="HelperProxy"/> for why it is written out.</summary>
internal sealed class NetHelperProxy(JsonRpc rpc) : HelperProxy(rpc), INetHelper
{
    public Task CreateBridgeAsync(BridgeSpec spec, CancellationToken cancellationToken = default) =>
        Call(nameof(CreateBridgeAsync), spec, typeof(BridgeSpec), cancellationToken);

    public Task DeleteLinkAsync(LinkName link, CancellationToken cancellationToken = default) =>
        Call(nameof(DeleteLinkAsync), link, typeof(LinkName), cancellationToken);

    public Task SetLinkStateAsync(LinkState state, CancellationToken cancellationToken = default) =>
        Call(nameof(SetLinkStateAsync), state, typeof(LinkState), cancellationToken);

    public Task SetLinkAddressesAsync(LinkAddresses addresses, CancellationToken cancellationToken = default) =>
        Call(nameof(SetLinkAddressesAsync), addresses, typeof(LinkAddresses), cancellationToken);

    public Task SetInterfaceSysctlAsync(InterfaceSysctl sysctl, CancellationToken cancellationToken = default) =>
        Call(nameof(SetInterfaceSysctlAsync), sysctl, typeof(InterfaceSysctl), cancellationToken);

    public Task EnableForwardingAsync(ForwardingFamily family, CancellationToken cancellationToken = default) =>
        Call(nameof(EnableForwardingAsync), family, typeof(ForwardingFamily), cancellationToken);

    public Task<IReadOnlyList<string>> ListOwnedLinksAsync(CancellationToken cancellationToken = default) =>
        Call<IReadOnlyList<string>>(nameof(ListOwnedLinksAsync), cancellationToken);

    public Task CreateVethPairAsync(VethPairSpec spec, CancellationToken cancellationToken = default) =>
        Call(nameof(CreateVethPairAsync), spec, typeof(VethPairSpec), cancellationToken);

    public Task StartDnsmasqAsync(DnsmasqSpec spec, CancellationToken cancellationToken = default) =>
        Call(nameof(StartDnsmasqAsync), spec, typeof(DnsmasqSpec), cancellationToken);

    public Task StopDnsmasqAsync(LinkName bridge, CancellationToken cancellationToken = default) =>
        Call(nameof(StopDnsmasqAsync), bridge, typeof(LinkName), cancellationToken);

    public Task SetDnsmasqHostsAsync(DnsmasqHosts hosts, CancellationToken cancellationToken = default) =>
        Call(nameof(SetDnsmasqHostsAsync), hosts, typeof(DnsmasqHosts), cancellationToken);

    public Task<IReadOnlyList<DnsmasqLease>> ListDnsmasqLeasesAsync(LinkName bridge, CancellationToken cancellationToken = default) =>
        Call<IReadOnlyList<DnsmasqLease>>(nameof(ListDnsmasqLeasesAsync), bridge, typeof(LinkName), cancellationToken);

    public Task ApplyNftablesAsync(NftablesBatch batch, CancellationToken cancellationToken = default) =>
        Call(nameof(ApplyNftablesAsync), batch, typeof(NftablesBatch), cancellationToken);

    public Task<NftablesListing> ListNftablesAsync(NftablesQuery query, CancellationToken cancellationToken = default) =>
        Call<NftablesListing>(nameof(ListNftablesAsync), query, typeof(NftablesQuery), cancellationToken);

    public Task CreateRoutedVethAsync(RoutedVethSpec spec, CancellationToken cancellationToken = default) =>
        Call(nameof(CreateRoutedVethAsync), spec, typeof(RoutedVethSpec), cancellationToken);

    public Task AddNicRoutesAsync(NicRoutesSpec spec, CancellationToken cancellationToken = default) =>
        Call(nameof(AddNicRoutesAsync), spec, typeof(NicRoutesSpec), cancellationToken);

    public Task RemoveNicRoutesAsync(LinkName host, CancellationToken cancellationToken = default) =>
        Call(nameof(RemoveNicRoutesAsync), host, typeof(LinkName), cancellationToken);

    public Task<bool> ProbeNeighborAsync(NeighborProbe probe, CancellationToken cancellationToken = default) =>
        Call<bool>(nameof(ProbeNeighborAsync), probe, typeof(NeighborProbe), cancellationToken);

    public Task CreateVlanAsync(VlanSpec spec, CancellationToken cancellationToken = default) =>
        Call(nameof(CreateVlanAsync), spec, typeof(VlanSpec), cancellationToken);

    public Task ReleaseVlanAsync(LinkName vlan, CancellationToken cancellationToken = default) =>
        Call(nameof(ReleaseVlanAsync), vlan, typeof(LinkName), cancellationToken);

    public Task ApplyXtablesAsync(XtablesBatch batch, CancellationToken cancellationToken = default) =>
        Call(nameof(ApplyXtablesAsync), batch, typeof(XtablesBatch), cancellationToken);

    public Task<XtablesListing> ListXtablesAsync(XtablesQuery query, CancellationToken cancellationToken = default) =>
        Call<XtablesListing>(nameof(ListXtablesAsync), query, typeof(XtablesQuery), cancellationToken);
}
