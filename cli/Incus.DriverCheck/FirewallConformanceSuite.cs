using System.Diagnostics;
using System.Globalization;
using Incus.Sdk.Drivers;
using Incus.Sdk.Firewall;
using Incus.Sdk.Plugins;

namespace Incus.DriverCheck;

/// <summary>
/// The firewall driver contract for bridged NIC filtering, checked by behaviour: the spoof checks of
/// the NIC filtering work, run with real frames through the real net helper, in network namespaces
/// made for the run. Every "dropped" check sends a genuine twin that must arrive, so a counter that
/// sees nothing cannot pass a check, and the control check shows that each forged frame would arrive
/// without the filter.
/// </summary>
public sealed class FirewallConformanceSuite : IConformanceSuite
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(60);
    private const string Broadcast = "ff:ff:ff:ff:ff:ff";
    private const string AllNodes = "33:33:00:00:00:01";

    public PluginKind Kind => PluginKind.Firewall;

    public async Task<IReadOnlyList<CheckResult>> RunAsync(LoadedPlugin plugin, SuiteEnvironment environment, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        var drivers = plugin.Status.Drivers.Select(name => plugin.Registry.Firewalls.GetValueOrDefault(name)).ToList();
        if (drivers.Count == 0 || drivers.Any(d => d is null))
        {
            results.Add(CheckResult.Fail("registers firewall drivers",
                $"a firewall plugin must register at least one firewall driver and nothing else; it registered: {(plugin.Status.Drivers.Count == 0 ? "none" : string.Join(", ", plugin.Status.Drivers))}"));
            return results;
        }
        results.Add(CheckResult.Pass("registers firewall drivers", string.Join(", ", plugin.Status.Drivers)));
        foreach (var driver in drivers)
        {
            string workDirectory = Path.Combine(environment.WorkDirectory, driver!.Name);
            Directory.CreateDirectory(workDirectory);
            var clock = Stopwatch.StartNew();
            await CheckDriverAsync(driver, environment.HelperPath("net"), workDirectory, results, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"incus-driver-check: {driver.Name}: the firewall suite ran for {clock.Elapsed.TotalSeconds:F1} s"));
        }
        return results;
    }

    private static async Task CheckDriverAsync(IFirewallDriver driver, string netHelperPath, string workDirectory, List<CheckResult> results, CancellationToken cancellationToken)
    {
        string prefix = $"{driver.Name}: ";
        SpoofTestbed testbed;
        try
        {
            // No time limit of its own here: a setup abandoned half-way could not delete its namespaces. Each
            // step has one (helper calls, the frame tools' first answer).
            testbed = await SpoofTestbed.StartAsync(netHelperPath, workDirectory).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            results.Add(CheckResult.Fail(prefix + "setup: bridge, attacker and victim in network namespaces of their own", $"{ex.GetType().Name}: {ex.Message}"));
            results.AddRange(Checks(driver).Select(check => CheckResult.Fail(prefix + check.Name, "not run: the setup failed")));
            return;
        }
        try
        {
            var run = new DriverRun(driver, testbed, cancellationToken);
            foreach (var (name, check) in Checks(driver))
            {
                results.Add(await RunCheckAsync(prefix + name, () => check(run), testbed, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            try
            {
                await testbed.DisposeAsync().ConfigureAwait(false);
            }
            catch (AggregateException ex)
            {
                results.Add(CheckResult.Fail(prefix + "teardown: the run's network namespaces are deleted",
                    string.Join("; ", ex.InnerExceptions.Select(e => e.Message))));
            }
        }
    }

    private static async Task<CheckResult> RunCheckAsync(string name, Func<Task<string>> check, SpoofTestbed testbed, CancellationToken cancellationToken)
    {
        try
        {
            return CheckResult.Pass(name, await check().ConfigureAwait(false));
        }
        catch (CheckFailedException ex)
        {
            return CheckResult.Fail(name, ex.Message);
        }
        catch (TimeoutException ex)
        {
            return CheckResult.Fail(name, $"{ex.Message}; net helper output:\n{testbed.Helper.RecentOutput}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail(name, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The checks, in the order they run; each sets the filter it needs, so none depends on another.</summary>
    private static IReadOnlyList<(string Name, Func<DriverRun, Task<string>> Check)> Checks(IFirewallDriver driver) =>
    [
        ("probe: the driver works in a fresh network namespace", async run =>
            await driver.ProbeAsync(run.Net, run.CancellationToken).WaitAsync(CallLimit, run.CancellationToken).ConfigureAwait(false)
                ? "ProbeAsync returned true"
                : throw new CheckFailedException("ProbeAsync returned false in a fresh network namespace with the net helper")),
        ("control: without a filter, every forged frame of this suite gets through", async run =>
        {
            await run.ClearAsync(SpoofTestbed.Attacker).ConfigureAwait(false);
            return await run.ExpectAsync(
                Arrives("forged Ethernet source", ForgedEtherSource),
                Arrives("ARP with a forged sender MAC", Arp($"'{SpoofTestbed.SpoofedMac}'", "a['ip4']")),
                Arrives("ARP with a forged sender IP", Arp("a['mac']", "'192.0.2.250'")),
                Arrives("NA with a forged link-layer option", NeighborAdvert(SpoofTestbed.Attacker.Ipv6, SpoofTestbed.SpoofedMac)),
                Arrives("NA for the victim's address", NeighborAdvert(SpoofTestbed.Victim.Ipv6, SpoofTestbed.Attacker.Mac)),
                Arrives("forged IPv4 source", Udp4("'192.0.2.250'")),
                Arrives("forged IPv6 source", Udp6("'2001:db8::250'")),
                RouterAdvert("router advertisement", mustArrive: true),
                Arrives("802.1Q-tagged IPv4", Tagged),
                Arrives("802.1ad (QinQ) double-tagged IPv4", DoubleTagged),
                Arrives("ethertype 0x88b5", UnknownEthertype),
                ArrivesAtHost("DHCP discover from a forged MAC, at the host", DhcpDiscover(SpoofTestbed.SpoofedMac, SpoofTestbed.SpoofedMac))).ConfigureAwait(false);
        }),
        ("MAC filter: a forged Ethernet source is dropped", async run =>
        {
            await run.ApplyAsync(MacFilter).ConfigureAwait(false);
            return await run.ExpectAsync(Dropped("forged Ethernet source", ForgedEtherSource), Arrives("genuine", Udp4("a['ip4']"))).ConfigureAwait(false);
        }),
        ("MAC filter: ARP with a forged sender MAC is dropped", async run =>
        {
            await run.ApplyAsync(MacFilter).ConfigureAwait(false);
            return await run.ExpectAsync(
                Dropped("ARP with a forged sender MAC", Arp($"'{SpoofTestbed.SpoofedMac}'", "a['ip4']")),
                Arrives("genuine ARP", Arp("a['mac']", "a['ip4']"))).ConfigureAwait(false);
        }),
        ("MAC filter: a neighbour advert with a forged link-layer option is dropped", async run =>
        {
            await run.ApplyAsync(MacFilter).ConfigureAwait(false);
            return await run.ExpectAsync(
                Dropped("NA with a forged link-layer option", NeighborAdvert(SpoofTestbed.Attacker.Ipv6, SpoofTestbed.SpoofedMac)),
                Arrives("genuine NA", NeighborAdvert(SpoofTestbed.Attacker.Ipv6, SpoofTestbed.Attacker.Mac))).ConfigureAwait(false);
        }),
        ("IPv4 filter: a forged IPv4 source is dropped", async run =>
        {
            await run.ApplyAsync(Ipv4Filter).ConfigureAwait(false);
            return await run.ExpectAsync(
                Dropped("forged IPv4 source", Udp4("'192.0.2.250'")),
                Dropped("the victim's IPv4 address as source", Udp4("b['ip4']")),
                Arrives("genuine", Udp4("a['ip4']"))).ConfigureAwait(false);
        }),
        ("IPv4 filter: ARP with a forged sender IP is dropped", async run =>
        {
            await run.ApplyAsync(Ipv4Filter).ConfigureAwait(false);
            return await run.ExpectAsync(
                Dropped("ARP with a forged sender IP", Arp("a['mac']", "'192.0.2.250'")),
                Dropped("gratuitous ARP for the victim's address", Arp("a['mac']", "b['ip4']")),
                Arrives("genuine ARP", Arp("a['mac']", "a['ip4']"))).ConfigureAwait(false);
        }),
        ("IPv4 filter: a DHCP discover from a forged MAC, or for a forged client address, does not reach the host", async run =>
        {
            await run.ApplyAsync(Ipv4Filter).ConfigureAwait(false);
            // Rule order (CVE-2025-52889/52890): the DHCP exception for 0.0.0.0 must not come before the MAC check.
            return await run.ExpectAsync(
                DroppedAtHost("DHCP discover from a forged MAC", DhcpDiscover(SpoofTestbed.SpoofedMac, SpoofTestbed.SpoofedMac)),
                DroppedAtHost("DHCP discover naming a forged client address", DhcpDiscover(SpoofTestbed.Attacker.Mac, SpoofTestbed.SpoofedMac)),
                ArrivesAtHost("genuine DHCP discover", DhcpDiscover(SpoofTestbed.Attacker.Mac, SpoofTestbed.Attacker.Mac))).ConfigureAwait(false);
        }),
        ("IPv6 filter: a forged IPv6 source is dropped", async run =>
        {
            await run.ApplyAsync(Ipv6Filter).ConfigureAwait(false);
            return await run.ExpectAsync(
                Dropped("forged IPv6 source", Udp6("'2001:db8::250'")),
                Arrives("genuine", Udp6("a['ip6']"))).ConfigureAwait(false);
        }),
        ("IPv6 filter: a neighbour advert for another's address is dropped", async run =>
        {
            await run.ApplyAsync(Ipv6Filter).ConfigureAwait(false);
            // Sent from the attacker's own allowed address: a source check alone lets it through (LXD 5.0.2's hole).
            return await run.ExpectAsync(
                Dropped("NA for the victim's address", NeighborAdvert(SpoofTestbed.Victim.Ipv6, SpoofTestbed.Attacker.Mac)),
                Arrives("genuine NA", NeighborAdvert(SpoofTestbed.Attacker.Ipv6, SpoofTestbed.Attacker.Mac))).ConfigureAwait(false);
        }),
        ("IPv6 filter: a router advertisement is dropped", async run =>
        {
            await run.ApplyAsync(Ipv6Filter).ConfigureAwait(false);
            return await run.ExpectAsync(
                RouterAdvert("router advertisement", mustArrive: false),
                Arrives("genuine NA from the same source", NeighborAdvert(SpoofTestbed.Attacker.Ipv6, SpoofTestbed.Attacker.Mac))).ConfigureAwait(false);
        }),
        ("IP filter: an 802.1Q-tagged IPv4 frame is dropped", async run =>
        {
            await run.ApplyAsync(Ipv4Filter).ConfigureAwait(false);
            return await run.ExpectAsync(Dropped("802.1Q-tagged IPv4", Tagged), Arrives("the same frame untagged", Udp4("a['ip4']"))).ConfigureAwait(false);
        }),
        ("IP filter: an 802.1ad (QinQ) double-tagged IPv4 frame is dropped", async run =>
        {
            await run.ApplyAsync(Ipv6Filter).ConfigureAwait(false);
            return await run.ExpectAsync(Dropped("802.1ad (QinQ) double-tagged IPv4", DoubleTagged), Arrives("the same frame untagged", Udp4("a['ip4']")))
                .ConfigureAwait(false);
        }),
        ("both families none: the NIC's own ARP, IPv4 and IPv6 pass while allowed, and none of them once both families are none", async run =>
        {
            // The allowed phase is the twin: the same genuine frames must arrive first, so a dead counter cannot pass.
            await run.ApplyAsync(Ipv4Filter with { Ipv6Allowed = [SpoofTestbed.Attacker.Ipv6] }).ConfigureAwait(false);
            string allowed = await run.ExpectAsync(
                Arrives("genuine ARP", Arp("a['mac']", "a['ip4']")), Arrives("genuine IPv4", Udp4("a['ip4']")), Arrives("genuine IPv6", Udp6("a['ip6']")))
                .ConfigureAwait(false);
            await run.ApplyAsync(MacFilter with { MacFiltering = false, Ipv4Allowed = [], Ipv6Allowed = [] }).ConfigureAwait(false);
            string none = await run.ExpectAsync(
                Dropped("genuine ARP", Arp("a['mac']", "a['ip4']")), Dropped("genuine IPv4", Udp4("a['ip4']")), Dropped("genuine IPv6", Udp6("a['ip6']")),
                Dropped("802.1ad (QinQ) double-tagged IPv4", DoubleTagged), Dropped("ethertype 0x88b5", UnknownEthertype)).ConfigureAwait(false);
            return $"allowed: {allowed}; none: {none}";
        }),
        ("IP filter: an unknown ethertype (0x88b5) is dropped", async run =>
        {
            await run.ApplyAsync(Ipv4Filter).ConfigureAwait(false);
            return await run.ExpectAsync(Dropped("ethertype 0x88b5", UnknownEthertype), Arrives("genuine IPv4", Udp4("a['ip4']"))).ConfigureAwait(false);
        }),
        ("drift check: MissingNicFiltersAsync names exactly the NICs without a filter", async run =>
        {
            await run.ApplyAsync(Ipv4Filter).ConfigureAwait(false);
            await run.ClearAsync(SpoofTestbed.Victim).ConfigureAwait(false);
            return await run.ExpectMissingAsync([SpoofTestbed.Victim.HostName]).ConfigureAwait(false);
        }),
        ("clear: ClearNicFilterAsync restores passage", async run =>
        {
            await run.ApplyAsync(Ipv4Filter).ConfigureAwait(false);
            string filtered = await run.ExpectAsync(Dropped("forged IPv4 source while filtered", Udp4("'192.0.2.250'")), Arrives("genuine", Udp4("a['ip4']")))
                .ConfigureAwait(false);
            await run.ClearAsync(SpoofTestbed.Attacker).ConfigureAwait(false);
            string cleared = await run.ExpectAsync(Arrives("forged IPv4 source after clearing", Udp4("'192.0.2.250'"))).ConfigureAwait(false);
            string missing = await run.ExpectMissingAsync([SpoofTestbed.Attacker.HostName, SpoofTestbed.Victim.HostName]).ConfigureAwait(false);
            return $"{filtered}; {cleared}; {missing}";
        }),
        ("remove everything: RemoveEverythingAsync leaves nothing", async run =>
        {
            await run.ApplyAsync(MacFilter).ConfigureAwait(false);
            await run.ApplyAsync(MacFilter with { Instance = "victim", HostName = SpoofTestbed.Victim.HostName, HwAddr = SpoofTestbed.Victim.Mac }).ConfigureAwait(false);
            await driver.RemoveEverythingAsync(run.Net, run.CancellationToken).WaitAsync(CallLimit, run.CancellationToken).ConfigureAwait(false);
            string missing = await run.ExpectMissingAsync([SpoofTestbed.Attacker.HostName, SpoofTestbed.Victim.HostName]).ConfigureAwait(false);
            var leftovers = await run.Testbed.FirewallLeftoversAsync().ConfigureAwait(false);
            if (leftovers.Count > 0)
            {
                throw new CheckFailedException($"left in the kernel: {string.Join("; ", leftovers.Take(10))}{(leftovers.Count > 10 ? $" and {leftovers.Count - 10} more" : "")}");
            }
            string passes = await run.ExpectAsync(Arrives("forged Ethernet source", ForgedEtherSource)).ConfigureAwait(false);
            return $"{missing}; no rules, sets or chains left; {passes}";
        }),
    ];

    private static NicFilterSpec MacFilter => new()
    {
        Instance = "attacker", Device = SpoofTestbed.PeerDevice, HostName = SpoofTestbed.Attacker.HostName, HwAddr = SpoofTestbed.Attacker.Mac, MacFiltering = true,
    };

    private static NicFilterSpec Ipv4Filter => MacFilter with { MacFiltering = false, Ipv4Allowed = [SpoofTestbed.Attacker.Ipv4] };

    private static NicFilterSpec Ipv6Filter => MacFilter with { MacFiltering = false, Ipv6Allowed = [SpoofTestbed.Attacker.Ipv6] };

    private static string ForgedEtherSource =>
        $"Ether(src='{SpoofTestbed.SpoofedMac}',dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')/UDP(sport=40000,dport=40000)/Raw(load=marker)";

    private static string Udp4(string source) =>
        $"Ether(src=a['mac'],dst='{Broadcast}')/IP(src={source},dst='255.255.255.255')/UDP(sport=40000,dport=40000)/Raw(load=marker)";

    private static string Udp6(string source) =>
        $"Ether(src=a['mac'],dst='{AllNodes}')/IPv6(src={source},dst='ff02::1')/UDP(sport=40000,dport=40000)/Raw(load=marker)";

    private static string Arp(string senderMac, string senderIp) =>
        $"Ether(src=a['mac'],dst='{Broadcast}')/ARP(op=1,hwsrc={senderMac},psrc={senderIp},pdst=b['ip4'])/Padding(load=marker)";

    private static string Tagged =>
        $"Ether(src=a['mac'],dst='{Broadcast}')/Dot1Q(vlan=5)/IP(src=a['ip4'],dst='255.255.255.255')/UDP(sport=40000,dport=40000)/Raw(load=marker)";

    // Service provider tag (0x88a8) outside, customer tag inside: a second way to hide IPv4 from IP-layer checks.
    private static string DoubleTagged =>
        $"Ether(src=a['mac'],dst='{Broadcast}',type=0x88a8)/Dot1AD(vlan=5)/Dot1Q(vlan=6)/IP(src=a['ip4'],dst='255.255.255.255')/UDP(sport=40000,dport=40000)/Raw(load=marker)";

    // A DHCPDISCOVER from 0.0.0.0 with the Ethernet source and client hardware address (chaddr) given;
    // the marker rides in the BOOTP file field, which no filter reads.
    private static string DhcpDiscover(string etherSource, string clientAddress) =>
        $"Ether(src='{etherSource}',dst='{Broadcast}')/IP(src='0.0.0.0',dst='255.255.255.255')/UDP(sport=68,dport=67)"
        + $"/BOOTP(chaddr=bytes.fromhex('{clientAddress.Replace(":", "", StringComparison.Ordinal)}'),xid=7,file=marker)/DHCP(options=[('message-type','discover'),'end'])";

    private static string UnknownEthertype => $"Ether(src=a['mac'],dst='{Broadcast}',type=0x88b5)/Raw(load=marker)";

    // Sent from the attacker's own allowed address, so only the RA rule can stop it. The prefix it
    // announces identifies it: like a neighbour advert, it carries no marker.
    private static FrameCase RouterAdvert(string description, bool mustArrive) =>
        new(description, $"Ether(src=a['mac'],dst='{AllNodes}')/IPv6(src=a['ip6'],dst='ff02::1',hlim=255)/ICMPv6ND_RA(routerlifetime=1800)"
            + "/ICMPv6NDOptPrefixInfo(prefix='2001:db8:bad::',prefixlen=64,L=1,A=1,validlifetime=3600,preferredlifetime=1800)",
            mustArrive, System.Net.IPAddress.Parse("2001:db8:bad::").GetAddressBytes());

    // A neighbour advert cannot carry a marker (trailing bytes change the layout a filter checks); its target and option identify it.
    private static FrameCase NeighborAdvertCase(string description, string target, string mac, bool mustArrive) =>
        new(description, $"Ether(src=a['mac'],dst='{AllNodes}')/IPv6(src=a['ip6'],dst='ff02::1',hlim=255)"
            + $"/ICMPv6ND_NA(tgt='{target}',R=0,S=0,O=1)/ICMPv6NDOptDstLLAddr(lladdr='{mac}')", mustArrive, SpoofTestbed.NeighborAdvertPattern(target, mac));

    private static (string Target, string Mac) NeighborAdvert(string target, string mac) => (target, mac);

    private static FrameCase Arrives(string description, string frame) => new(description, frame, MustArrive: true);

    private static FrameCase Dropped(string description, string frame) => new(description, frame, MustArrive: false);

    private static FrameCase ArrivesAtHost(string description, string frame) => new(description, frame, MustArrive: true, AtHost: true);

    private static FrameCase DroppedAtHost(string description, string frame) => new(description, frame, MustArrive: false, AtHost: true);

    private static FrameCase Arrives(string description, (string Target, string Mac) advert) => NeighborAdvertCase(description, advert.Target, advert.Mac, true);

    private static FrameCase Dropped(string description, (string Target, string Mac) advert) => NeighborAdvertCase(description, advert.Target, advert.Mac, false);
}
