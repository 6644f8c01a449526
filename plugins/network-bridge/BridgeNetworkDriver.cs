using System.Globalization;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;

namespace Incus.Plugins.NetworkBridge;

/// <summary>
/// The <c>bridge</c> network type: a Linux bridge with addresses, a dnsmasq for DHCP, RA and DNS,
/// and network-level firewall rules. It computes the state; the net helper applies it.
/// </summary>
public sealed class BridgeNetworkDriver : INetworkDriver
{
    public string Name => "bridge";

    public string Version => "1";

    public string? ValidateConfig(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return BridgeConfigRules.Validate(config);
    }

    public Dictionary<string, string> FillConfig(string name, IReadOnlyDictionary<string, string> config, IReadOnlyList<string> usedSubnets)
    {
        ArgumentNullException.ThrowIfNull(config);
        var filled = new Dictionary<string, string>(config, StringComparer.Ordinal);
        // As Incus: a new bridge gets automatic subnets with NAT unless told otherwise.
        foreach (var (key, nat, pick) in new (string, string, Func<IReadOnlyList<string>, string>)[]
        {
            ("ipv4.address", "ipv4.nat", SubnetPicker.PickIpv4),
            ("ipv6.address", "ipv6.nat", SubnetPicker.PickIpv6),
        })
        {
            if (!filled.TryGetValue(key, out string? value) || value.Length == 0)
            {
                if (key == "ipv6.address" && !HostHasIpv6())
                {
                    continue;
                }
                value = "auto";
            }
            if (value == "auto")
            {
                filled[key] = pick(usedSubnets);
                filled.TryAdd(nat, "true");
            }
        }
        return filled;
    }

    public async Task ApplyAsync(NetworkContext network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var bridge = BridgeConfig.Read(network.Name, network.Config);
        var helper = network.Helper;
        // Someone may have deleted the bridge behind the daemon's back: its record alone is not enough.
        if (!Directory.Exists($"/sys/class/net/{bridge.Name}"))
        {
            await helper.CreateBridgeAsync(new BridgeSpec { Name = bridge.Name, Mtu = bridge.Mtu, HwAddr = bridge.HwAddr }, cancellationToken).ConfigureAwait(false);
        }
        await helper.SetLinkStateAsync(new LinkState { Name = bridge.Name, Up = true, Mtu = bridge.Mtu, HwAddr = bridge.HwAddr }, cancellationToken).ConfigureAwait(false);

        if (bridge.Ipv6 is not null)
        {
            // accept_ra=0: unlike Incus's documented 2, an instance must not be able to rewrite the host's routes.
            foreach (var (key, value) in new[] { ("disable_ipv6", "0"), ("autoconf", "0"), ("accept_dad", "0"), ("accept_ra", "0") })
            {
                await Sysctl(helper, bridge.Name, "ipv6", key, value, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (HostHasIpv6())
        {
            // No IPv6 on the bridge means no link-local address a guest could talk to or be routed by.
            await Sysctl(helper, bridge.Name, "ipv6", "accept_ra", "0", cancellationToken).ConfigureAwait(false);
            await Sysctl(helper, bridge.Name, "ipv6", "disable_ipv6", "1", cancellationToken).ConfigureAwait(false);
        }

        var addresses = new List<string>();
        if (bridge.Ipv4 is var (v4, v4Prefix))
        {
            addresses.Add($"{v4}/{v4Prefix}");
        }
        if (bridge.Ipv6 is var (v6, v6Prefix))
        {
            addresses.Add($"{v6}/{v6Prefix}");
        }
        await helper.SetLinkAddressesAsync(new LinkAddresses { Name = bridge.Name, Addresses = addresses }, cancellationToken).ConfigureAwait(false);

        if (bridge.Ipv4 is not null && bridge.Ipv4Routing)
        {
            await helper.EnableForwardingAsync(new ForwardingFamily { Family = "ipv4" }, cancellationToken).ConfigureAwait(false);
        }
        if (bridge.Ipv6 is not null && bridge.Ipv6Routing)
        {
            await helper.EnableForwardingAsync(new ForwardingFamily { Family = "ipv6" }, cancellationToken).ConfigureAwait(false);
        }

        if (network.Firewall is { } firewall)
        {
            var families = Families(bridge);
            if (families.Count > 0)
            {
                await firewall.ApplyNetworkAsync(new NetworkFirewallSpec { Bridge = bridge.Name, Families = families }, helper, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await firewall.ClearNetworkAsync(bridge.Name, helper, cancellationToken).ConfigureAwait(false);
            }
        }

        if (bridge.UsesDnsmasq)
        {
            await SetHostsAsync(network, cancellationToken).ConfigureAwait(false);
            await helper.StartDnsmasqAsync(Dnsmasq(bridge), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await helper.StopDnsmasqAsync(new LinkName { Name = bridge.Name }, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task SetHostsAsync(NetworkContext network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var bridge = BridgeConfig.Read(network.Name, network.Config);
        if (!bridge.UsesDnsmasq)
        {
            return Task.CompletedTask;
        }
        bool names = bridge.DnsMode == "managed";
        var entries = new List<DnsmasqHostEntry>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var host in network.Hosts)
        {
            if (!seen.Add(host.HwAddr))
            {
                continue;
            }
            var entry = host with
            {
                Name = names ? host.Name : null,
                Ipv4Address = bridge.Ipv4 is not null ? host.Ipv4Address : null,
                Ipv6Address = bridge.Ipv6 is not null ? host.Ipv6Address : null,
            };
            if (entry.Name is not null || entry.Ipv4Address is not null || entry.Ipv6Address is not null)
            {
                entries.Add(entry);
            }
        }
        return network.Helper.SetDnsmasqHostsAsync(new DnsmasqHosts { Bridge = bridge.Name, Entries = entries }, cancellationToken);
    }

    public async Task DeleteAsync(NetworkContext network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var helper = network.Helper;
        await helper.StopDnsmasqAsync(new LinkName { Name = network.Name }, cancellationToken).ConfigureAwait(false);
        if (network.Firewall is { } firewall)
        {
            await firewall.ClearNetworkAsync(network.Name, helper, cancellationToken).ConfigureAwait(false);
        }
        if ((await helper.ListOwnedLinksAsync(cancellationToken).ConfigureAwait(false)).Contains(network.Name))
        {
            await helper.DeleteLinkAsync(new LinkName { Name = network.Name }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<NetworkLeaseInfo>> ListLeasesAsync(NetworkContext network, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        var bridge = BridgeConfig.Read(network.Name, network.Config);
        var result = new List<NetworkLeaseInfo>();
        var names = network.Hosts.Where(h => h.Name is not null).GroupBy(h => h.HwAddr, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Name!, StringComparer.OrdinalIgnoreCase);
        // Reservations first, as Incus lists them: static addresses of the instances' NICs.
        foreach (var host in network.Hosts)
        {
            if (host.Ipv4Address is not null && bridge.Ipv4 is not null)
            {
                result.Add(new NetworkLeaseInfo { Hostname = host.Name ?? "", HwAddr = host.HwAddr, Address = host.Ipv4Address, Type = "static" });
            }
            if (host.Ipv6Address is not null && bridge.Ipv6 is not null)
            {
                result.Add(new NetworkLeaseInfo { Hostname = host.Name ?? "", HwAddr = host.HwAddr, Address = host.Ipv6Address, Type = "static" });
            }
        }
        if (!bridge.UsesDnsmasq)
        {
            return result;
        }
        foreach (var lease in await network.Helper.ListDnsmasqLeasesAsync(new LinkName { Name = bridge.Name }, cancellationToken).ConfigureAwait(false))
        {
            if (result.Any(r => r.Address == lease.Address))
            {
                continue;
            }
            string hostname = lease.HwAddr.Length > 0 && names.TryGetValue(lease.HwAddr, out string? name) ? name : lease.Hostname;
            result.Add(new NetworkLeaseInfo { Hostname = hostname, HwAddr = lease.HwAddr, Address = lease.Address, Type = "dynamic" });
        }
        return result;
    }

    private static List<NetworkFirewallFamily> Families(BridgeConfig bridge)
    {
        var families = new List<NetworkFirewallFamily>();
        if (bridge.Ipv4 is var (v4, v4Prefix) && bridge.Ipv4Firewall)
        {
            families.Add(new NetworkFirewallFamily
            {
                Family = "ipv4", Subnet = $"{ConfigValues.Network(v4, v4Prefix)}/{v4Prefix}", Nat = bridge.Ipv4Nat, Routing = bridge.Ipv4Routing, Dhcp = bridge.Ipv4Dhcp,
            });
        }
        if (bridge.Ipv6 is var (v6, v6Prefix) && bridge.Ipv6Firewall)
        {
            families.Add(new NetworkFirewallFamily
            {
                Family = "ipv6", Subnet = $"{ConfigValues.Network(v6, v6Prefix)}/{v6Prefix}", Nat = bridge.Ipv6Nat, Routing = bridge.Ipv6Routing, Dhcp = bridge.Ipv6Dhcp,
            });
        }
        return families;
    }

    private static DnsmasqSpec Dnsmasq(BridgeConfig bridge) => new()
    {
        Bridge = bridge.Name,
        Ipv4Address = bridge.Ipv4?.Address.ToString(),
        Ipv4DhcpRanges = bridge.Ipv4 is not null && bridge.Ipv4Dhcp ? bridge.Ipv4DhcpRanges : [],
        Ipv6Address = bridge.Ipv6 is var (v6, prefix) ? $"{v6}/{prefix.ToString(CultureInfo.InvariantCulture)}" : null,
        Ipv6RouterAdvertisements = bridge.Ipv6 is not null,
        Ipv6Dhcp = bridge.Ipv6 is null || !bridge.Ipv6Dhcp ? "none" : bridge.Ipv6DhcpStateful ? "stateful" : "stateless",
        DnsDomain = bridge.DnsMode == "none" ? null : bridge.DnsDomain,
        ClientNames = bridge.DnsMode == "dynamic",
        Mtu = bridge.Mtu,
    };

    private static Task Sysctl(INetHelper helper, string link, string family, string key, string value, CancellationToken cancellationToken) =>
        helper.SetInterfaceSysctlAsync(new InterfaceSysctl { Interface = link, Family = family, Key = key, Value = value }, cancellationToken);

    /// <summary>Whether IPv6 is on for new interfaces here (Incus checks the same file).</summary>
    private static bool HostHasIpv6() =>
        File.Exists("/proc/sys/net/ipv6/conf/default/disable_ipv6")
        && File.ReadAllText("/proc/sys/net/ipv6/conf/default/disable_ipv6").Trim() == "0";
}
