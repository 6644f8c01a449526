using Incus.Sdk.Helpers;

namespace Incus.Daemon.Helpers;

/// <summary>
/// The net helper as plugins see it: the SDK interface, carried over the core's reconnecting
/// helper connection.
/// </summary>
public sealed partial class NetHelperClient(HelperConnection<INetHelper> connection) : INetHelper
{
    public Task CreateBridgeAsync(BridgeSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("CreateBridge", (helper, token) => helper.CreateBridgeAsync(spec, token), cancellationToken);

    public Task DeleteLinkAsync(LinkName link, CancellationToken cancellationToken = default) =>
        connection.CallAsync("DeleteLink", (helper, token) => helper.DeleteLinkAsync(link, token), cancellationToken);

    public Task SetLinkStateAsync(LinkState state, CancellationToken cancellationToken = default) =>
        connection.CallAsync("SetLinkState", (helper, token) => helper.SetLinkStateAsync(state, token), cancellationToken);

    public Task SetLinkAddressesAsync(LinkAddresses addresses, CancellationToken cancellationToken = default) =>
        connection.CallAsync("SetLinkAddresses", (helper, token) => helper.SetLinkAddressesAsync(addresses, token), cancellationToken);

    public Task SetInterfaceSysctlAsync(InterfaceSysctl sysctl, CancellationToken cancellationToken = default) =>
        connection.CallAsync("SetInterfaceSysctl", (helper, token) => helper.SetInterfaceSysctlAsync(sysctl, token), cancellationToken);

    public Task EnableForwardingAsync(ForwardingFamily family, CancellationToken cancellationToken = default) =>
        connection.CallAsync("EnableForwarding", (helper, token) => helper.EnableForwardingAsync(family, token), cancellationToken);

    public Task<IReadOnlyList<string>> ListOwnedLinksAsync(CancellationToken cancellationToken = default) =>
        connection.CallAsync("ListOwnedLinks", (helper, token) => helper.ListOwnedLinksAsync(token), cancellationToken);

    public Task CreateVethPairAsync(VethPairSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("CreateVethPair", (helper, token) => helper.CreateVethPairAsync(spec, token), cancellationToken);

    public Task StartDnsmasqAsync(DnsmasqSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("StartDnsmasq", (helper, token) => helper.StartDnsmasqAsync(spec, token), cancellationToken);

    public Task StopDnsmasqAsync(LinkName bridge, CancellationToken cancellationToken = default) =>
        connection.CallAsync("StopDnsmasq", (helper, token) => helper.StopDnsmasqAsync(bridge, token), cancellationToken);

    public Task SetDnsmasqHostsAsync(DnsmasqHosts hosts, CancellationToken cancellationToken = default) =>
        connection.CallAsync("SetDnsmasqHosts", (helper, token) => helper.SetDnsmasqHostsAsync(hosts, token), cancellationToken);

    public Task<IReadOnlyList<DnsmasqLease>> ListDnsmasqLeasesAsync(LinkName bridge, CancellationToken cancellationToken = default) =>
        connection.CallAsync("ListDnsmasqLeases", (helper, token) => helper.ListDnsmasqLeasesAsync(bridge, token), cancellationToken);

    public Task ApplyNftablesAsync(NftablesBatch batch, CancellationToken cancellationToken = default) =>
        connection.CallAsync("ApplyNftables", (helper, token) => helper.ApplyNftablesAsync(batch, token), cancellationToken);

    public Task<NftablesListing> ListNftablesAsync(NftablesQuery query, CancellationToken cancellationToken = default) =>
        connection.CallAsync("ListNftables", (helper, token) => helper.ListNftablesAsync(query, token), cancellationToken);
}
