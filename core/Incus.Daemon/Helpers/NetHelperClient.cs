using Incus.Sdk.Helpers;

namespace Incus.Daemon.Helpers;

/// <summary>
/// The net helper as plugins see it: the SDK interface, carried over the core's reconnecting
/// helper connection.
/// </summary>
public sealed class NetHelperClient(HelperConnection<INetHelper> connection) : INetHelper
{
    public Task CreateBridgeAsync(BridgeSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("CreateBridge", helper => helper.CreateBridgeAsync(spec, cancellationToken), cancellationToken);

    public Task DeleteLinkAsync(LinkName link, CancellationToken cancellationToken = default) =>
        connection.CallAsync("DeleteLink", helper => helper.DeleteLinkAsync(link, cancellationToken), cancellationToken);

    public Task SetLinkStateAsync(LinkState state, CancellationToken cancellationToken = default) =>
        connection.CallAsync("SetLinkState", helper => helper.SetLinkStateAsync(state, cancellationToken), cancellationToken);

    public Task SetLinkAddressesAsync(LinkAddresses addresses, CancellationToken cancellationToken = default) =>
        connection.CallAsync("SetLinkAddresses", helper => helper.SetLinkAddressesAsync(addresses, cancellationToken), cancellationToken);

    public Task SetInterfaceSysctlAsync(InterfaceSysctl sysctl, CancellationToken cancellationToken = default) =>
        connection.CallAsync("SetInterfaceSysctl", helper => helper.SetInterfaceSysctlAsync(sysctl, cancellationToken), cancellationToken);

    public Task EnableForwardingAsync(ForwardingFamily family, CancellationToken cancellationToken = default) =>
        connection.CallAsync("EnableForwarding", helper => helper.EnableForwardingAsync(family, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<string>> ListOwnedLinksAsync(CancellationToken cancellationToken = default) =>
        connection.CallAsync("ListOwnedLinks", helper => helper.ListOwnedLinksAsync(cancellationToken), cancellationToken);

    public Task CreateVethPairAsync(VethPairSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("CreateVethPair", helper => helper.CreateVethPairAsync(spec, cancellationToken), cancellationToken);

    public Task StartDnsmasqAsync(DnsmasqSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("StartDnsmasq", helper => helper.StartDnsmasqAsync(spec, cancellationToken), cancellationToken);

    public Task StopDnsmasqAsync(LinkName bridge, CancellationToken cancellationToken = default) =>
        connection.CallAsync("StopDnsmasq", helper => helper.StopDnsmasqAsync(bridge, cancellationToken), cancellationToken);

    public Task SetDnsmasqHostsAsync(DnsmasqHosts hosts, CancellationToken cancellationToken = default) =>
        connection.CallAsync("SetDnsmasqHosts", helper => helper.SetDnsmasqHostsAsync(hosts, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<DnsmasqLease>> ListDnsmasqLeasesAsync(LinkName bridge, CancellationToken cancellationToken = default) =>
        connection.CallAsync("ListDnsmasqLeases", helper => helper.ListDnsmasqLeasesAsync(bridge, cancellationToken), cancellationToken);

    public Task ApplyNftablesAsync(NftablesBatch batch, CancellationToken cancellationToken = default) =>
        connection.CallAsync("ApplyNftables", helper => helper.ApplyNftablesAsync(batch, cancellationToken), cancellationToken);
}
