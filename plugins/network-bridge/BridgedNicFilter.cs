using System.Net;
using System.Net.Sockets;
using Incus.Sdk.Drivers;
using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;

namespace Incus.Plugins.NetworkBridge;

/// <summary>
/// What a bridged NIC's filter allows, from its keys and its network: the static address, or else an
/// address reserved for it (kept from before, or its current DHCP lease, or the first free one), plus
/// its routes. A family that is filtered but has no address at all is blocked.
/// </summary>
public static class BridgedNicFilter
{
    /// <summary>Whether the config asks for any filter.</summary>
    public static bool Wanted(IReadOnlyDictionary<string, string> config) =>
        ConfigValues.Flag(config, BridgedNicDriver.MacFilteringKey, false) || ConfigValues.Flag(config, BridgedNicDriver.Ipv4FilteringKey, false)
        || ConfigValues.Flag(config, BridgedNicDriver.Ipv6FilteringKey, false);

    /// <summary>The filter for <paramref name="nic"/> and the reservations it relies on.</summary>
    public static async Task<(NicFilterSpec Spec, NicReservations Reservations)> ComputeAsync(NicContext nic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nic);
        var config = nic.Config;
        var bridge = BridgeConfig.Read(nic.Parent, nic.NetworkConfig);
        bool v4Filter = ConfigValues.Flag(config, BridgedNicDriver.Ipv4FilteringKey, false);
        bool v6Filter = ConfigValues.Flag(config, BridgedNicDriver.Ipv6FilteringKey, false);
        string? reserved4 = null;
        string? reserved6 = null;
        if (v4Filter && !config.ContainsKey("ipv4.address") && bridge.Ipv4 is not null && bridge.Ipv4Dhcp)
        {
            var leases = await nic.Helper.ListDnsmasqLeasesAsync(new LinkName { Name = bridge.Name }, cancellationToken).ConfigureAwait(false);
            reserved4 = ReserveIpv4(bridge, nic.HwAddr, nic.Reservations.Ipv4, OthersAddresses(nic, h => h.Ipv4Address), leases)
                ?? throw new InvalidOperationException($"No free IPv4 address left on network \"{bridge.Name}\" to reserve for {BridgedNicDriver.Ipv4FilteringKey}");
        }
        if (v6Filter && !config.ContainsKey("ipv6.address") && bridge.Ipv6 is not null)
        {
            reserved6 = ReserveIpv6(bridge, nic.HwAddr, nic.Reservations.Ipv6, OthersAddresses(nic, h => h.Ipv6Address))
                ?? throw new InvalidOperationException($"No free IPv6 address left on network \"{bridge.Name}\" to reserve for {BridgedNicDriver.Ipv6FilteringKey}");
        }
        var spec = new NicFilterSpec
        {
            Instance = nic.Instance,
            Device = nic.Device,
            HostName = nic.HostName,
            HwAddr = nic.HwAddr,
            MacFiltering = ConfigValues.Flag(config, BridgedNicDriver.MacFilteringKey, false),
            Ipv4Allowed = v4Filter ? Allowed(config, "ipv4", reserved4) : null,
            Ipv6Allowed = v6Filter ? Allowed(config, "ipv6", reserved6) : null,
        };
        return (spec, new NicReservations { Ipv4 = reserved4, Ipv6 = reserved6 });
    }

    /// <summary>
    /// The allowed sources of one family: none when the address is <c>none</c> or there is no
    /// address at all (the family is blocked); otherwise the address and every route.
    /// </summary>
    public static IReadOnlyList<string> Allowed(IReadOnlyDictionary<string, string> config, string family, string? reserved)
    {
        ArgumentNullException.ThrowIfNull(config);
        string? address = config.GetValueOrDefault($"{family}.address") ?? reserved;
        if (address is null or "none" or "")
        {
            return [];
        }
        var allowed = new List<string> { address };
        foreach (string key in new[] { $"{family}.routes", $"{family}.routes.external" })
        {
            if (config.GetValueOrDefault(key) is { Length: > 0 } routes)
            {
                allowed.AddRange(routes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
        }
        return allowed;
    }

    /// <summary>
    /// As Incus: keep the current reservation while it still fits the subnet and the DHCP ranges; else
    /// take the lease this MAC holds; else the first address of the ranges that nobody holds.
    /// </summary>
    public static string? ReserveIpv4(BridgeConfig bridge, string mac, string? current, IReadOnlySet<string> taken, IReadOnlyList<DnsmasqLease> leases)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        ArgumentNullException.ThrowIfNull(taken);
        ArgumentNullException.ThrowIfNull(leases);
        if (bridge.Ipv4 is not var (gateway, prefix))
        {
            return null;
        }
        var ranges = bridge.Ipv4DhcpRanges.Select(r => r.Split('-')).Where(r => r.Length == 2)
            .Select(r => (First: IPAddress.Parse(r[0]), Last: IPAddress.Parse(r[1]))).ToList();
        bool Usable(string? candidate) => candidate is not null && IPAddress.TryParse(candidate, out var address)
            && address.AddressFamily == AddressFamily.InterNetwork && ConfigValues.Contains(gateway, prefix, address) && !address.Equals(gateway)
            && !taken.Contains(address.ToString())
            && ranges.Any(r => ConfigValues.Compare(r.First, address) <= 0 && ConfigValues.Compare(address, r.Last) <= 0);
        if (Usable(current))
        {
            return current;
        }
        if (leases.FirstOrDefault(l => string.Equals(l.HwAddr, mac, StringComparison.OrdinalIgnoreCase) && Usable(l.Address)) is { } own)
        {
            return own.Address;
        }
        var leasedToOthers = leases.Where(l => !string.Equals(l.HwAddr, mac, StringComparison.OrdinalIgnoreCase)).Select(l => l.Address).ToHashSet(StringComparer.Ordinal);
        foreach (var (first, last) in ranges)
        {
            for (var address = first; ConfigValues.Compare(address, last) <= 0; address = ConfigValues.Offset(address, 1))
            {
                if (Usable(address.ToString()) && !leasedToOthers.Contains(address.ToString()))
                {
                    return address.ToString();
                }
            }
        }
        return null;
    }

    /// <summary>
    /// The current reservation while it is still in the subnet; else the SLAAC (EUI-64) address of the
    /// MAC, which is also what the instance configures itself; else the first free address.
    /// </summary>
    public static string? ReserveIpv6(BridgeConfig bridge, string mac, string? current, IReadOnlySet<string> taken)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        ArgumentNullException.ThrowIfNull(taken);
        if (bridge.Ipv6 is not var (gateway, prefix))
        {
            return null;
        }
        bool Usable(IPAddress? address) => address is not null && ConfigValues.Contains(gateway, prefix, address) && !address.Equals(gateway)
            && !taken.Contains(address.ToString());
        if (current is not null && IPAddress.TryParse(current, out var kept) && kept.AddressFamily == AddressFamily.InterNetworkV6 && Usable(kept))
        {
            return kept.ToString();
        }
        if (prefix <= 64 && Usable(Eui64(ConfigValues.Network(gateway, prefix), mac)))
        {
            return Eui64(ConfigValues.Network(gateway, prefix), mac).ToString();
        }
        var network = ConfigValues.Network(gateway, prefix);
        for (long offset = 2; offset < 65536; offset++)
        {
            var candidate = ConfigValues.Offset(network, offset);
            if (!ConfigValues.Contains(gateway, prefix, candidate))
            {
                break;
            }
            if (Usable(candidate))
            {
                return candidate.ToString();
            }
        }
        return null;
    }

    /// <summary>The modified EUI-64 address of <paramref name="mac"/> in a /64 (or shorter) prefix.</summary>
    public static IPAddress Eui64(IPAddress network, string mac)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(mac);
        byte[] bytes = network.GetAddressBytes();
        byte[] m = mac.Split(':').Select(b => Convert.ToByte(b, 16)).ToArray();
        byte[] id = [(byte)(m[0] ^ 0x02), m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]];
        Array.Copy(id, 0, bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private static HashSet<string> OthersAddresses(NicContext nic, Func<DnsmasqHostEntry, string?> pick) =>
        nic.NetworkHosts.Where(h => !string.Equals(h.HwAddr, nic.HwAddr, StringComparison.OrdinalIgnoreCase)).Select(pick)
            .OfType<string>().Select(a => IPAddress.TryParse(a, out var parsed) ? parsed.ToString() : a).ToHashSet(StringComparer.Ordinal);
}
