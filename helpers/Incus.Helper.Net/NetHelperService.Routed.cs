using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Net;

/// <summary>
/// Routed NICs. The uplink (parent) belongs to the administrator: the helper never writes its
/// settings. On it, the helper adds and removes only proxy entries for addresses it routes to an
/// owned veth, and it records each such entry so that it is the only one it will ever delete.
/// </summary>
public sealed partial class NetHelperService
{
    private ProxyNeighbors Proxies => state.Proxies;

    public Task CreateRoutedVethAsync(RoutedVethSpec spec, CancellationToken cancellationToken = default) =>
        Run("CreateRoutedVeth", spec, async () =>
        {
            Required(spec, "spec");
            var (host, peer) = NewVethNames(spec.HostName, spec.PeerName);
            string mac = RequestValidation.UnicastMac(spec.PeerHwAddr, "peerHwAddr");
            string MtuArgument(int? mtu, string field) =>
                mtu is int value ? $" mtu {RequestValidation.Mtu(value, field).ToString(CultureInfo.InvariantCulture)}" : "";
            string hostMtu = MtuArgument(spec.HostMtu, "hostMtu");
            string peerMtu = MtuArgument(spec.PeerMtu, "peerMtu");
            await CreateOwnedVethAsync(host, peer, $"link add name {host}{hostMtu} type veth peer name {peer} address {mac}{peerMtu}\n", cancellationToken)
                .ConfigureAwait(false);
        });

    public Task AddNicRoutesAsync(NicRoutesSpec spec, CancellationToken cancellationToken = default) =>
        Run("AddNicRoutes", spec, async () =>
        {
            Required(spec, "spec");
            string host = OwnedVeth(spec.HostName, "hostName");
            var addresses = RequestValidation.BoundedList(spec.Addresses, "addresses").Select(a => RoutedAddresses.HostAddress(a)).Distinct().ToList();
            var routes = RequestValidation.BoundedList(spec.Routes, "routes").Select(r => RoutedAddresses.RoutedNetwork(r)).ToList();
            var v4Tables = RoutedAddresses.Tables(spec.Ipv4Tables, "ipv4Tables");
            var v6Tables = RoutedAddresses.Tables(spec.Ipv6Tables, "ipv6Tables");
            string? parent = spec.Parent is null ? null : RequestValidation.InterfaceName(spec.Parent, "parent");
            if (parent is not null)
            {
                if (!LinkExists(parent))
                {
                    throw new HelperRequestException($"parent: {parent} does not exist");
                }
                if (parent == host || Owned.Contains(parent) && !IsVlan(parent))
                {
                    throw new HelperRequestException($"parent: {parent} is a link of this daemon's NICs or bridges, not an uplink");
                }
            }

            var batch = new StringBuilder();
            foreach (var address in addresses)
            {
                int length = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
                foreach (int table in address.AddressFamily == AddressFamily.InterNetwork ? v4Tables : v6Tables)
                {
                    batch.Append(CultureInfo.InvariantCulture, $"route add {address}/{length} dev {host} table {table}\n");
                }
            }
            foreach (var (network, prefix, text) in routes)
            {
                // The next hop is the instance's first address of that family, chosen here, not by the caller.
                var via = addresses.FirstOrDefault(a => a.AddressFamily == network.AddressFamily)
                    ?? throw new HelperRequestException($"routes: {text} needs an address of its family to route via");
                foreach (int table in network.AddressFamily == AddressFamily.InterNetwork ? v4Tables : v6Tables)
                {
                    batch.Append(CultureInfo.InvariantCulture, $"route add {text} via {via} dev {host} table {table}\n");
                }
            }
            if (parent is not null)
            {
                foreach (var address in addresses)
                {
                    string text = address.ToString();
                    if (Proxies.Find(parent, text) is { } existing && existing.HostName != host && Owned.Contains(existing.HostName))
                    {
                        throw new HelperRequestException($"addresses: {text} is already proxied on {parent} for {existing.HostName}");
                    }
                }
                foreach (var address in addresses)
                {
                    // Recorded before it exists, so a half-applied batch can still be undone. NUD_PERMANENT
                    // entries are the ones the kernel keeps when the parent loses its carrier (Incus #3341).
                    Proxies.Add(new ProxyNeighbors.Entry(parent, address.ToString(), host));
                    batch.Append(CultureInfo.InvariantCulture, $"neigh add proxy {address} dev {parent} nud permanent\n");
                }
            }
            if (batch.Length > 0)
            {
                await FixedCommand.RunAsync(Ip, ["-batch", "-"], batch.ToString(), cancellationToken).ConfigureAwait(false);
            }
        });

    public Task RemoveNicRoutesAsync(LinkName host, CancellationToken cancellationToken = default) =>
        Run("RemoveNicRoutes", host, async () =>
        {
            Required(host, "host");
            string name = RequestValidation.InterfaceName(host.Name, "name");
            if (!Owned.Contains(name) && Proxies.OfHost(name).Count == 0)
            {
                throw new HelperRequestException($"name: {name} was not created by this daemon");
            }
            await RemoveProxiesOfAsync(name, cancellationToken).ConfigureAwait(false);
        });

    public Task<bool> ProbeNeighborAsync(NeighborProbe probe, CancellationToken cancellationToken = default) =>
        context.AuditedAsync("ProbeNeighbor", probe, async () =>
        {
            Required(probe, "probe");
            string link = RequestValidation.InterfaceName(probe.Interface, "interface");
            var address = RoutedAddresses.HostAddress(probe.Address, "address");
            if (!LinkExists(link))
            {
                throw new HelperRequestException($"interface: {link} does not exist");
            }
            // An address of this host is in use too, although the host does not answer its own probe.
            bool local = NetworkInterface.GetAllNetworkInterfaces()
                .Any(i => i.GetIPProperties().UnicastAddresses.Any(u => new IPAddress(u.Address.GetAddressBytes()).Equals(address)));
            return local || await NeighborProber.InUseAsync(link, address, cancellationToken).ConfigureAwait(false);
        });

    public Task CreateVlanAsync(VlanSpec spec, CancellationToken cancellationToken = default) =>
        Run("CreateVlan", spec, async () =>
        {
            Required(spec, "spec");
            string parent = RequestValidation.InterfaceName(spec.Parent, "parent");
            if (spec.Id is < 1 or > 4094)
            {
                throw new HelperRequestException($"id: {spec.Id} is outside 1-4094");
            }
            string name = RequestValidation.InterfaceName($"{parent}.{spec.Id.ToString(CultureInfo.InvariantCulture)}", "parent and id");
            if (!LinkExists(parent))
            {
                throw new HelperRequestException($"parent: {parent} does not exist");
            }
            if (LinkExists(name))
            {
                if (!Owned.Contains(name))
                {
                    throw new HelperRequestException($"{name} exists and was not created by this daemon");
                }
                return;
            }
            Owned.Add(name);
            try
            {
                await FixedCommand.RunAsync(Ip, ["-batch", "-"],
                    $"link add link {parent} name {name} type vlan id {spec.Id.ToString(CultureInfo.InvariantCulture)}\nlink set dev {name} up\n", cancellationToken)
                    .ConfigureAwait(false);
            }
            catch
            {
                if (LinkExists(name))
                {
                    await FixedCommand.RunAsync(Ip, ["link", "delete", "dev", name], cancellationToken: CancellationToken.None).ConfigureAwait(false);
                }
                Owned.Remove(name);
                throw;
            }
        });

    public Task ReleaseVlanAsync(LinkName vlan, CancellationToken cancellationToken = default) =>
        Run("ReleaseVlan", vlan, async () =>
        {
            Required(vlan, "vlan");
            string name = OwnedName(vlan.Name);
            if (LinkExists(name) && !IsVlan(name))
            {
                throw new HelperRequestException($"name: {name} is not a VLAN interface");
            }
            if (Proxies.AnyOn(name))
            {
                return;
            }
            if (LinkExists(name))
            {
                await FixedCommand.RunAsync(Ip, ["link", "delete", "dev", name], cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            Owned.Remove(name);
        });

    /// <summary>Deletes the proxy entries recorded for <paramref name="host"/>; entries already gone are only forgotten.</summary>
    private async Task RemoveProxiesOfAsync(string host, CancellationToken cancellationToken)
    {
        foreach (var entry in Proxies.OfHost(host))
        {
            if (LinkExists(entry.Parent) && await ProxyExistsAsync(entry, cancellationToken).ConfigureAwait(false))
            {
                await FixedCommand.RunAsync(Ip, ["neigh", "del", "proxy", entry.Address, "dev", entry.Parent], cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            Proxies.Remove(entry);
        }
    }

    private static async Task<bool> ProxyExistsAsync(ProxyNeighbors.Entry entry, CancellationToken cancellationToken)
    {
        string shown = await FixedCommand.RunAsync(Ip, ["neigh", "show", "proxy", "to", entry.Address, "dev", entry.Parent], cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return shown.Trim().Length > 0;
    }

    /// <summary>An owned link that is a veth end (it has a peer, and it is no bridge, VLAN or device).</summary>
    private string OwnedVeth(string? value, string field)
    {
        string name = OwnedName(value, field);
        string directory = $"/sys/class/net/{name}";
        if (!Directory.Exists(directory) || Directory.Exists(Path.Combine(directory, "bridge")) || IsVlan(name)
            || File.ReadAllText(Path.Combine(directory, "ifindex")).Trim() == File.ReadAllText(Path.Combine(directory, "iflink")).Trim())
        {
            throw new HelperRequestException($"{field}: {name} is not a veth end");
        }
        return name;
    }

    private static bool IsVlan(string name) => File.Exists($"/proc/net/vlan/{name}");
}
