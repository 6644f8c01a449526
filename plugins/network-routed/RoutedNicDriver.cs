using System.Globalization;
using System.Net;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;

namespace Incus.Plugins.NetworkRouted;

/// <summary>
/// <c>nictype=routed</c>: a veth pair on no bridge. The host routes the instance's addresses to its
/// side, answers ARP/NDP for them on the parent (proxy entries), drops packets with sources that do
/// not belong to the instance, and is the instance's gateway (169.254.0.1 and fe80::1).
/// The parent belongs to the administrator: its sysctls are checked, never changed.
/// </summary>
public sealed class RoutedNicDriver : INicDeviceDriver
{
    public string Name => "routed";

    public string Version => "1";

    public string? NetworkType => null;

    public bool TakesHostParent => true;

    /// <summary>Where the driver reads sysctls and interfaces; a test may point it elsewhere.</summary>
    public string ProcRoot { get; init; } = "/proc";

    public string SysRoot { get; init; } = "/sys";

    public string? ValidateConfig(IReadOnlyDictionary<string, string> config) => RoutedNicRules.Validate(config);

    public async Task<NicAttachment> StartAsync(NicContext nic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nic);
        var config = RoutedNicConfig.Read(nic.Config);
        var helper = nic.Helper;
        bool v4 = config.Ipv4Addresses.Count > 0;
        bool v6 = config.Ipv6Addresses.Count > 0;
        if ((v4 || v6) && nic.Firewall is null)
        {
            throw new InvalidOperationException("Routed NICs need a working firewall driver for their reverse-path filter, and none is in use");
        }
        if ((v4 || v6) && !HasReversePathFilter(nic.Firewall!))
        {
            // rp_filter covers IPv4 only: without this filter the instance could send from any IPv6
            // source, so start fails closed, before anything is made, rather than run unfiltered.
            throw new InvalidOperationException(
                $"Routed NICs with addresses need a reverse-path filter, and the {nic.Firewall!.Name} firewall driver has none; use firewall.driver=nftables");
        }
        string? parent = config.EffectiveParent;
        bool createVlan = false;
        if (config.Parent is { } uplink)
        {
            if (!LinkExists(uplink))
            {
                throw new InvalidOperationException($"Parent interface \"{uplink}\" doesn't exist");
            }
            // As Incus: the checks are skipped for a VLAN interface that does not exist yet, since it is created with the right settings.
            createVlan = config.Vlan is not null && !LinkExists(parent!);
            if (!createVlan && RequiredSysctl(parent!, v4, v6) is { } missing)
            {
                throw new InvalidOperationException($"Routed mode requires sysctl {missing}");
            }
        }

        string peer = PeerName(nic.HostName);
        await RemoveLinksAsync(helper, nic.HostName, peer, cancellationToken).ConfigureAwait(false);
        try
        {
            // Inside the try: a VLAN made here and then left behind by a failed sysctl would stay forever.
            if (createVlan)
            {
                await helper.CreateVlanAsync(new VlanSpec { Parent = config.Parent!, Id = config.Vlan!.Value }, cancellationToken).ConfigureAwait(false);
                if (v4)
                {
                    await Sysctl(helper, parent!, "ipv4", "forwarding", "1", cancellationToken).ConfigureAwait(false);
                }
                if (v6)
                {
                    await Sysctl(helper, parent!, "ipv6", "forwarding", "1", cancellationToken).ConfigureAwait(false);
                    await Sysctl(helper, parent!, "ipv6", "proxy_ndp", "1", cancellationToken).ConfigureAwait(false);
                }
            }
            if (parent is not null)
            {
                await ProbeAsync(helper, parent, config, cancellationToken).ConfigureAwait(false);
            }
            int? parentMtu = parent is null ? null : ReadMtu(parent);
            int? peerMtu = config.Mtu ?? parentMtu;
            await helper.CreateRoutedVethAsync(new RoutedVethSpec
            {
                HostName = nic.HostName, PeerName = peer, PeerHwAddr = nic.HwAddr, HostMtu = parentMtu, PeerMtu = peerMtu,
            }, cancellationToken).ConfigureAwait(false);
            await ConfigureHostSideAsync(nic, config, cancellationToken).ConfigureAwait(false);
            await helper.AddNicRoutesAsync(new NicRoutesSpec
            {
                HostName = nic.HostName,
                Parent = parent,
                Addresses = config.Ipv4Addresses.Concat(config.Ipv6Addresses).Select(a => a.ToString()).ToList(),
                Routes = config.Ipv4Routes.Concat(config.Ipv6Routes).ToList(),
                Ipv4Tables = config.Ipv4Tables,
                Ipv6Tables = config.Ipv6Tables,
            }, cancellationToken).ConfigureAwait(false);
            return new NicAttachment
            {
                Link = peer,
                Mtu = peerMtu,
                Addresses = new ContainerNicAddresses
                {
                    Ipv4 = config.Ipv4Addresses.Select(a => $"{a}/32").ToList(),
                    Ipv6 = config.Ipv6Addresses.Select(a => $"{a}/128").ToList(),
                    Ipv4Gateway = v4 && config.Ipv4GatewayAuto ? RoutedNicConfig.Ipv4HostAddress : null,
                    Ipv6Gateway = v6 && config.Ipv6GatewayAuto ? RoutedNicConfig.Ipv6HostAddress : null,
                },
            };
        }
        catch (Exception startFailure)
        {
            // Nothing half-made stays: the core records the NIC as started only when this returns.
            try
            {
                await StopAsync(nic, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception cleanupFailure)
            {
                // Both matter: why start failed, and what may now be left in the kernel.
                throw new InvalidOperationException($"{startFailure.Message}; removing what was made also failed: {cleanupFailure.Message}",
                    new AggregateException(startFailure, cleanupFailure));
            }
            throw;
        }
    }

    /// <summary>
    /// Removes everything a start may have made. Each step runs even when an earlier one failed, so one
    /// failure (a helper error, a firewall that refuses) cannot leave the VLAN or the routes behind;
    /// the failures are thrown together at the end.
    /// </summary>
    public async Task StopAsync(NicContext nic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nic);
        var config = RoutedNicConfig.Read(nic.Config);
        var helper = nic.Helper;
        var owned = await helper.ListOwnedLinksAsync(cancellationToken).ConfigureAwait(false);
        var failures = new List<Exception>();
        async Task Step(Func<Task> step)
        {
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add(e);
            }
        }

        if (owned.Contains(nic.HostName))
        {
            await Step(() => helper.RemoveNicRoutesAsync(new LinkName { Name = nic.HostName }, cancellationToken)).ConfigureAwait(false);
        }
        await Step(() => RemoveLinksAsync(helper, nic.HostName, PeerName(nic.HostName), cancellationToken)).ConfigureAwait(false);
        // As start: a driver without reverse-path filtering never installed a filter for this NIC.
        if (nic.Firewall is { } firewall && HasReversePathFilter(firewall))
        {
            await Step(() => firewall.ClearReversePathFilterAsync(nic.HostName, helper, cancellationToken)).ConfigureAwait(false);
        }
        if (config.Vlan is not null && config.EffectiveParent is { } vlan && owned.Contains(vlan))
        {
            // The helper keeps it while other NICs still proxy addresses on it.
            await Step(() => helper.ReleaseVlanAsync(new LinkName { Name = vlan }, cancellationToken)).ConfigureAwait(false);
        }
        if (failures.Count == 1)
        {
            ExceptionDispatchInfo.Throw(failures[0]);
        }
        if (failures.Count > 1)
        {
            throw new AggregateException($"Stopping routed NIC {nic.Device} of {nic.Instance} failed {failures.Count} times", failures);
        }
    }

    /// <summary>
    /// The first sysctl that routed mode needs on <paramref name="parent"/> and is not set, written as
    /// the administrator would set it (dots in the interface name become slashes), or null.
    /// </summary>
    public string? RequiredSysctl(string parent, bool ipv4, bool ipv6)
    {
        var needed = new List<(string Family, string Interface, string Key)>();
        if (ipv6)
        {
            needed.AddRange([("ipv6", "all", "forwarding"), ("ipv6", "all", "proxy_ndp"), ("ipv6", parent, "forwarding"), ("ipv6", parent, "proxy_ndp")]);
        }
        if (ipv4)
        {
            needed.Add(("ipv4", parent, "forwarding"));
        }
        foreach (var (family, link, key) in needed)
        {
            string path = Path.Combine(ProcRoot, "sys", "net", family, "conf", link, key);
            if (!File.Exists(path) || File.ReadAllText(path).Trim() != "1")
            {
                return $"net.{family}.conf.{link.Replace('.', '/')}.{key}=1";
            }
        }
        return null;
    }

    /// <summary>The peer's temporary host name: derived from the host side, so a restart finds it again.</summary>
    public static string PeerName(string hostName) =>
        "vp" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hostName)))[..12];

    private async Task ProbeAsync(INetHelper helper, string parent, RoutedNicConfig config, CancellationToken cancellationToken)
    {
        var probed = (config.Ipv4NeighborProbe ? config.Ipv4Addresses : []).Concat(config.Ipv6NeighborProbe ? config.Ipv6Addresses : []);
        foreach (var address in probed)
        {
            if (await helper.ProbeNeighborAsync(new NeighborProbe { Interface = parent, Address = address.ToString() }, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"IP address \"{address}\" in use on parent network \"{parent}\"");
            }
        }
    }

    /// <summary>Sysctls, the reverse-path filter and the gateway addresses on the host side, then up.</summary>
    private async Task ConfigureHostSideAsync(NicContext nic, RoutedNicConfig config, CancellationToken cancellationToken)
    {
        var helper = nic.Helper;
        string host = nic.HostName;
        bool v4 = config.Ipv4Addresses.Count > 0;
        bool v6 = config.Ipv6Addresses.Count > 0;
        if (Directory.Exists(Path.Combine(ProcRoot, "sys", "net", "ipv6", "conf", host)))
        {
            // The instance must not be able to change the host's routes with router advertisements.
            await Sysctl(helper, host, "ipv6", "accept_ra", "0", cancellationToken).ConfigureAwait(false);
            // fe80::1 is unique on this point-to-point link; waiting out DAD would only delay the instance's gateway.
            await Sysctl(helper, host, "ipv6", "accept_dad", "0", cancellationToken).ConfigureAwait(false);
        }
        await Sysctl(helper, host, "ipv4", "rp_filter", "1", cancellationToken).ConfigureAwait(false);
        if (v4)
        {
            await Sysctl(helper, host, "ipv4", "forwarding", "1", cancellationToken).ConfigureAwait(false);
        }
        if (v6)
        {
            await Sysctl(helper, host, "ipv6", "forwarding", "1", cancellationToken).ConfigureAwait(false);
        }
        if (nic.Firewall is { } firewall && (v4 || v6))
        {
            await firewall.ApplyReversePathFilterAsync(host, helper, cancellationToken).ConfigureAwait(false);
        }
        var gateways = new List<string>();
        if (v4)
        {
            gateways.Add($"{RoutedNicConfig.Ipv4HostAddress}/32");
        }
        if (v6)
        {
            gateways.Add($"{RoutedNicConfig.Ipv6HostAddress}/128");
        }
        if (gateways.Count > 0)
        {
            await helper.SetLinkAddressesAsync(new LinkAddresses { Name = host, Addresses = gateways }, cancellationToken).ConfigureAwait(false);
        }
        await helper.SetLinkStateAsync(new LinkState { Name = host, Up = true }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="firewall"/> implements reverse-path filtering itself. A driver that does
    /// not (xtables, today) inherits <see cref="IFirewallDriver"/>'s defaults, which throw
    /// <see cref="NotSupportedException"/>; asking the type up front lets start refuse before anything is
    /// made and lets stop skip a filter that can never have been installed.
    /// </summary>
    public static bool HasReversePathFilter(IFirewallDriver firewall)
    {
        ArgumentNullException.ThrowIfNull(firewall);
        var map = firewall.GetType().GetInterfaceMap(typeof(IFirewallDriver));
        bool Implemented(string method) =>
            map.TargetMethods[Array.FindIndex(map.InterfaceMethods, m => m.Name == method)].DeclaringType != typeof(IFirewallDriver);
        return Implemented(nameof(IFirewallDriver.ApplyReversePathFilterAsync)) && Implemented(nameof(IFirewallDriver.ClearReversePathFilterAsync));
    }

    private int? ReadMtu(string link)
    {
        string path = Path.Combine(SysRoot, "class", "net", link, "mtu");
        // The helper takes 1280-9000; outside that (a loopback's 65536) the veth keeps its default.
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int mtu) && mtu is >= 1280 and <= 9000
            ? mtu : null;
    }

    private bool LinkExists(string link) => Directory.Exists(Path.Combine(SysRoot, "class", "net", link));

    private static Task Sysctl(INetHelper helper, string link, string family, string key, string value, CancellationToken cancellationToken) =>
        helper.SetInterfaceSysctlAsync(new InterfaceSysctl { Interface = link, Family = family, Key = key, Value = value }, cancellationToken);

    private static async Task RemoveLinksAsync(INetHelper helper, string host, string peer, CancellationToken cancellationToken)
    {
        var owned = await helper.ListOwnedLinksAsync(cancellationToken).ConfigureAwait(false);
        // Deleting one end of a veth deletes both; the second call then only drops the record.
        foreach (string link in new[] { host, peer })
        {
            if (owned.Contains(link))
            {
                await helper.DeleteLinkAsync(new LinkName { Name = link }, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
