using Incus.Sdk.Helpers;

namespace Incus.Daemon.Helpers;

/// <summary>The routed-NIC operations of the net helper.</summary>
public sealed partial class NetHelperClient
{
    public Task CreateRoutedVethAsync(RoutedVethSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("CreateRoutedVeth", (helper, token) => helper.CreateRoutedVethAsync(spec, token), cancellationToken);

    public Task AddNicRoutesAsync(NicRoutesSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("AddNicRoutes", (helper, token) => helper.AddNicRoutesAsync(spec, token), cancellationToken);

    public Task RemoveNicRoutesAsync(LinkName host, CancellationToken cancellationToken = default) =>
        connection.CallAsync("RemoveNicRoutes", (helper, token) => helper.RemoveNicRoutesAsync(host, token), cancellationToken);

    public Task<bool> ProbeNeighborAsync(NeighborProbe probe, CancellationToken cancellationToken = default) =>
        connection.CallAsync("ProbeNeighbor", (helper, token) => helper.ProbeNeighborAsync(probe, token), cancellationToken);

    public Task CreateVlanAsync(VlanSpec spec, CancellationToken cancellationToken = default) =>
        connection.CallAsync("CreateVlan", (helper, token) => helper.CreateVlanAsync(spec, token), cancellationToken);

    public Task ReleaseVlanAsync(LinkName vlan, CancellationToken cancellationToken = default) =>
        connection.CallAsync("ReleaseVlan", (helper, token) => helper.ReleaseVlanAsync(vlan, token), cancellationToken);
}
