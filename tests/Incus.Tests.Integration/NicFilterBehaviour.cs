using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// Bridged NIC anti-spoofing, proven with real frames: c1 (the attacker) sends crafted frames from
/// its own network namespace, and sniffers in c2 and on the host's bridge count what got through.
/// Every "dropped" check has a genuine twin that must arrive, so a broken sniffer cannot pass a test.
/// One subclass per firewall driver supplies the few driver-specific probes.
/// </summary>
public abstract class NicFilterBehaviour(BridgeNetworkFixture fixture) : IAsyncLifetime
{
    protected const string SpoofedMac = "02:00:00:00:00:66";
    private const string Broadcast = "ff:ff:ff:ff:ff:ff";
    private readonly NicFilterHarness _harness = new(fixture);

    protected BridgeNetworkFixture Fixture => fixture;

    /// <summary>The driver's name in <c>GET /1.0</c> <c>environment.firewall</c>.</summary>
    protected abstract string FirewallName { get; }

    /// <summary>The lines of the driver's kernel state (chains, sets, map elements) that mention <paramref name="text"/>.</summary>
    protected abstract Task<IReadOnlyList<string>> KernelStateMentioningAsync(string text);

    /// <summary>How many base chains (hooks) the driver's NIC filters use in all.</summary>
    protected abstract Task<int> NicFilterBaseChainCountAsync();

    /// <summary>Removes every rule of the host the way an administrator might (for example <c>nft flush ruleset</c>).</summary>
    protected abstract Task FlushEverythingExternallyAsync();

    public Task InitializeAsync() => _harness.SetAttackerNicAsync(new Dictionary<string, string>());

    public Task DisposeAsync() => _harness.SetAttackerNicAsync(new Dictionary<string, string>(), mustSucceed: false);

    [Fact]
    public async Task TheServerReportsTheFirewallDriver()
    {
        var info = (await UnixHttp.GetAsync(fixture.Daemon.SocketPath, "/1.0")).Metadata;
        Assert.Equal(FirewallName, info.GetProperty("environment").GetProperty("firewall").GetString());
    }

    [Fact]
    public async Task WithoutFiltersSpoofedFramesReachTheVictimAndTheHost()
    {
        var (a, b) = await PeersAsync();
        await AssertArrivesAsync(a, b, Udp($"Ether(src='{SpoofedMac}',dst='{Broadcast}')/IP(src='192.0.2.250',dst='255.255.255.255')"));
        await AssertArrivesAsync(a, b, NeighborAdvert("b['ip6']", "'" + SpoofedMac + "'"), NaPattern(b.Ipv6, SpoofedMac));
    }

    [Fact]
    public async Task MacFilteringDropsAForgedEthernetSource()
    {
        var (a, b) = await FilteredAsync(new() { ["security.mac_filtering"] = "true" });
        await AssertDroppedAsync(a, b, Udp($"Ether(src='{SpoofedMac}',dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')"));
        await AssertArrivesAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')"));
    }

    [Fact]
    public async Task MacFilteringDropsArpWithAForgedSenderMac()
    {
        var (a, b) = await FilteredAsync(new() { ["security.mac_filtering"] = "true" });
        await AssertDroppedAsync(a, b, $"Ether(src=a['mac'],dst='{Broadcast}')/ARP(op=1,hwsrc='{SpoofedMac}',psrc=a['ip4'],pdst=b['ip4'])/Padding(load=marker)");
        await AssertArrivesAsync(a, b, $"Ether(src=a['mac'],dst='{Broadcast}')/ARP(op=1,hwsrc=a['mac'],psrc=a['ip4'],pdst=b['ip4'])/Padding(load=marker)");
    }

    [Fact]
    public async Task MacFilteringDropsANeighborAdvertWithAForgedLinkLayerOption()
    {
        var (a, b) = await FilteredAsync(new() { ["security.mac_filtering"] = "true" });
        await AssertDroppedAsync(a, b, NeighborAdvert("a['ip6']", $"'{SpoofedMac}'"), NaPattern(a.Ipv6, SpoofedMac));
        // The genuine option placed behind another one, so a check at a fixed offset would read the wrong bytes.
        await AssertDroppedAsync(a, b, NeighborAdvert("a['ip6']", $"'{SpoofedMac}'", $"ICMPv6NDOptDstLLAddr(lladdr=a['mac'])/"), NaPattern(a.Ipv6, a.Mac));
        await AssertArrivesAsync(a, b, NeighborAdvert("a['ip6']", "a['mac']"), NaPattern(a.Ipv6, a.Mac));
    }

    [Fact]
    public async Task MacFilteringLetsGenuinePingsThrough()
    {
        var (a, b) = await FilteredAsync(new() { ["security.mac_filtering"] = "true" });
        await AssertPingsAsync(NicFilterHarness.Attacker, b.Ipv4, "192.0.2.1", b.Ipv6, "2001:db8:1::1");
    }

    [Fact]
    public async Task Ipv4FilteringDropsForgedSourcesAndLetsTheAddressAndItsRoutesThrough()
    {
        var (a, b) = await FilteredAsync(new() { ["security.ipv4_filtering"] = "true", ["ipv4.routes"] = "198.51.100.0/24" });
        var config = await _harness.InstanceConfigAsync(NicFilterHarness.Attacker);
        if (fixture.ManagedBridge)
        {
            Assert.Equal(a.Ipv4, config.GetProperty("volatile.eth0.reserved.ipv4").GetString());
        }
        else
        {
            // The filter allows the static ipv4.address; with no DHCP there is nothing to reserve.
            Assert.False(config.TryGetProperty("volatile.eth0.reserved.ipv4", out _));
        }
        await AssertDroppedAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src='192.0.2.250',dst='255.255.255.255')"));
        await AssertDroppedAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src=b['ip4'],dst='255.255.255.255')"));
        await AssertArrivesAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')"));
        await AssertArrivesAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src='198.51.100.7',dst='255.255.255.255')"));
        await AssertPingsAsync(NicFilterHarness.Attacker, b.Ipv4, "192.0.2.1");
    }

    [Fact]
    public async Task Ipv4FilteringDropsArpWithAForgedSenderIpAndGratuitousArpForTheVictim()
    {
        var (a, b) = await FilteredAsync(new() { ["security.ipv4_filtering"] = "true" });
        await AssertDroppedAsync(a, b, $"Ether(src=a['mac'],dst='{Broadcast}')/ARP(op=1,hwsrc=a['mac'],psrc='192.0.2.250',pdst=b['ip4'])/Padding(load=marker)");
        await AssertDroppedAsync(a, b, $"Ether(src=a['mac'],dst='{Broadcast}')/ARP(op=2,hwsrc=a['mac'],psrc=b['ip4'],pdst=b['ip4'],hwdst='{Broadcast}')/Padding(load=marker)");
        await AssertArrivesAsync(a, b, $"Ether(src=a['mac'],dst='{Broadcast}')/ARP(op=1,hwsrc=a['mac'],psrc=a['ip4'],pdst=b['ip4'])/Padding(load=marker)");
    }

    [ManagedBridgeOnlyFact]
    public async Task Ipv4FilteringLetsDhcpRenewalsThrough()
    {
        await FilteredAsync(new() { ["security.ipv4_filtering"] = "true" });
        var renew = await fixture.InContainerAsync(NicFilterHarness.Attacker, "/bin/busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-t", "5", "-s", "/bin/true");
        Assert.True(renew.ExitCode == 0, $"no DHCP lease through the filter: {renew.Output} {renew.Error}");
    }

    [Fact]
    public async Task Ipv4FilteringDropsDhcpFromAForgedMac()
    {
        var (a, b) = await FilteredAsync(new() { ["security.ipv4_filtering"] = "true" });
        // Rule order regression (CVE-2025-52889/52890): a DHCPDISCOVER from 0.0.0.0 must not get past the MAC check.
        string Discover(string mac, string chaddr) => Udp(
            $"Ether(src='{mac}',dst='{Broadcast}')/IP(src='0.0.0.0',dst='255.255.255.255')", sport: 68, dport: 67,
            payload: $"BOOTP(chaddr=bytes.fromhex('{chaddr.Replace(":", "", StringComparison.Ordinal)}'),xid=7,file=marker)/DHCP(options=[('message-type','discover'),'end'])");
        await AssertDroppedAsync(a, b, Discover(SpoofedMac, SpoofedMac), host: true);
        await AssertDroppedAsync(a, b, Discover(a.Mac, SpoofedMac), host: true);
        await AssertArrivesAsync(a, b, Discover(a.Mac, a.Mac), host: true);
    }

    [Fact]
    public async Task Ipv6FilteringDropsForgedSourcesAndLetsTheAddressAndItsRoutesThrough()
    {
        var (a, b) = await FilteredAsync(new() { ["security.ipv6_filtering"] = "true", ["ipv6.routes"] = "2001:db8:2::/64" });
        await AssertDroppedAsync(a, b, Udp("Ether(src=a['mac'],dst='33:33:00:00:00:01')/IPv6(src='2001:db8:1::250',dst='ff02::1')"));
        await AssertArrivesAsync(a, b, Udp("Ether(src=a['mac'],dst='33:33:00:00:00:01')/IPv6(src=a['ip6'],dst='ff02::1')"));
        await AssertArrivesAsync(a, b, Udp("Ether(src=a['mac'],dst='33:33:00:00:00:01')/IPv6(src='2001:db8:2::7',dst='ff02::1')"));
        await AssertPingsAsync(NicFilterHarness.Attacker, b.Ipv6, "2001:db8:1::1");
    }

    [Fact]
    public async Task LongRouteListsAreEnforcedLikeShortOnes()
    {
        // Twenty routes per family: more than a driver may write into one rule, so the long-list path
        // (an nftables sub-chain, for instance) is what these frames cross.
        string v4Routes = string.Join(',', Enumerable.Range(1, 20).Select(i => $"198.51.100.{i * 4}/30"));
        string v6Routes = string.Join(',', Enumerable.Range(1, 20).Select(i => $"2001:db8:{0x100 + i:x}::/64"));
        var (a, b) = await FilteredAsync(new()
        {
            ["security.ipv4_filtering"] = "true", ["security.ipv6_filtering"] = "true", ["ipv4.routes"] = v4Routes, ["ipv6.routes"] = v6Routes,
        });
        await AssertArrivesAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src='198.51.100.81',dst='255.255.255.255')"));
        await AssertDroppedAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src='198.51.100.84',dst='255.255.255.255')"));
        await AssertArrivesAsync(a, b, $"Ether(src=a['mac'],dst='{Broadcast}')/ARP(op=1,hwsrc=a['mac'],psrc='198.51.100.82',pdst=b['ip4'])/Padding(load=marker)");
        await AssertDroppedAsync(a, b, $"Ether(src=a['mac'],dst='{Broadcast}')/ARP(op=1,hwsrc=a['mac'],psrc='198.51.100.2',pdst=b['ip4'])/Padding(load=marker)");
        await AssertArrivesAsync(a, b, Udp("Ether(src=a['mac'],dst='33:33:00:00:00:01')/IPv6(src='2001:db8:114::9',dst='ff02::1')"));
        await AssertDroppedAsync(a, b, Udp("Ether(src=a['mac'],dst='33:33:00:00:00:01')/IPv6(src='2001:db8:115::9',dst='ff02::1')"));
        await AssertArrivesAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')"));
        await AssertPingsAsync(NicFilterHarness.Attacker, b.Ipv6, "2001:db8:1::1");
    }

    [Fact]
    public async Task Ipv6FilteringDropsANeighborAdvertForTheVictimSentFromTheAllowedSource()
    {
        var (a, b) = await FilteredAsync(new() { ["security.ipv6_filtering"] = "true" });
        // LXD 5.0.2 accepted this one: the source is the attacker's own allowed address.
        await AssertDroppedAsync(a, b, NeighborAdvert("b['ip6']", "a['mac']"), NaPattern(b.Ipv6, a.Mac));
        await AssertDroppedAsync(a, b, NeighborAdvert("a['ip6']", $"'{SpoofedMac}'"), NaPattern(a.Ipv6, SpoofedMac));
        await AssertArrivesAsync(a, b, NeighborAdvert("a['ip6']", "a['mac']"), NaPattern(a.Ipv6, a.Mac));
    }

    [Fact]
    public async Task Ipv6FilteringDropsRouterAdvertisements()
    {
        var (a, b) = await FilteredAsync(new() { ["security.ipv6_filtering"] = "true" });
        string ra = "Ether(src=a['mac'],dst='33:33:00:00:00:01')/IPv6(src=a['ip6'],dst='ff02::1',hlim=255)/ICMPv6ND_RA(routerlifetime=1800)"
            + "/ICMPv6NDOptPrefixInfo(prefix='2001:db8:bad::',prefixlen=64,L=1,A=1,validlifetime=3600,preferredlifetime=1800)";
        await AssertDroppedAsync(a, b, ra, NicFilterHarness.Bytes("2001:db8:bad::"));
        await FilteredAsync(new());
        await AssertArrivesAsync(a, b, ra, NicFilterHarness.Bytes("2001:db8:bad::"));
    }

    [Theory]
    [InlineData("Ether(src=a['mac'],dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=5)/IP(src=a['ip4'],dst='255.255.255.255')")]
    [InlineData("Ether(src=a['mac'],dst='ff:ff:ff:ff:ff:ff',type=0x88a8)/Dot1AD(vlan=5)/Dot1Q(vlan=6)/IP(src=a['ip4'],dst='255.255.255.255')")]
    public async Task AnyIpFilterDropsTaggedFrames(string layers)
    {
        var (a, b) = await FilteredAsync(new() { ["security.ipv4_filtering"] = "true" });
        await AssertDroppedAsync(a, b, Udp(layers));
        await AssertArrivesAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')"));
    }

    [Fact]
    public async Task AnyIpFilterDropsUnknownEthertypes()
    {
        var (a, b) = await FilteredAsync(new() { ["security.ipv6_filtering"] = "true" });
        string frame = $"Ether(src=a['mac'],dst='{Broadcast}',type=0x88b5)/Raw(load=marker)";
        await AssertDroppedAsync(a, b, frame);
        await FilteredAsync(new() { ["security.mac_filtering"] = "true" });
        await AssertArrivesAsync(a, b, frame);
    }

    [Fact]
    public async Task BothFamiliesNoneDropsAllArpIpAndTaggedFrames()
    {
        var (a, b) = await FilteredAsync(new()
        {
            ["security.ipv4_filtering"] = "true", ["security.ipv6_filtering"] = "true", ["ipv4.address"] = "none", ["ipv6.address"] = "none",
        });
        await AssertDroppedAsync(a, b, $"Ether(src=a['mac'],dst='{Broadcast}')/ARP(op=1,hwsrc=a['mac'],psrc=a['ip4'],pdst=b['ip4'])/Padding(load=marker)");
        await AssertDroppedAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')"));
        await AssertDroppedAsync(a, b, Udp("Ether(src=a['mac'],dst='33:33:00:00:00:01')/IPv6(src=a['ip6'],dst='ff02::1')"));
        await AssertDroppedAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}',type=0x88a8)/Dot1AD(vlan=5)/Dot1Q(vlan=6)/IP(src=a['ip4'],dst='255.255.255.255')"));
        await AssertDroppedAsync(a, b, $"Ether(src=a['mac'],dst='{Broadcast}',type=0x88b5)/Raw(load=marker)");
    }

    [Fact]
    public async Task FiltersGoOnChangeAndComeOffARunningNicWithoutReplacingIt()
    {
        var (a, b) = await PeersAsync();
        string forged = Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src='192.0.2.250',dst='255.255.255.255')");
        await AssertArrivesAsync(a, b, forged);
        await FilteredAsync(new() { ["security.ipv4_filtering"] = "true" });
        await AssertDroppedAsync(a, b, forged);
        await FilteredAsync(new() { ["security.ipv4_filtering"] = "true", ["ipv4.routes"] = "192.0.2.248/29" });
        await AssertArrivesAsync(a, b, forged);
        await FilteredAsync(new());
        await AssertArrivesAsync(a, b, forged);
        Assert.Equal(a.HostName, (await _harness.PeerAsync(NicFilterHarness.Attacker)).HostName);
        Assert.Empty(await KernelStateMentioningAsync(a.HostName));
    }

    [Fact]
    public async Task NoForgedFrameGetsThroughDuringRapidRouteChanges()
    {
        var (a, b) = await FilteredAsync(new() { ["security.ipv4_filtering"] = "true", ["ipv4.routes"] = "198.51.100.0/24" });
        string forgedMarker = NicFilterHarness.NewMarker();
        string genuineMarker = NicFilterHarness.NewMarker();
        await using var forgedAtVictim = await FrameSniffer.StartAsync(InVictim(b), "eth0", Encoding.ASCII.GetBytes(forgedMarker));
        await using var genuineAtVictim = await FrameSniffer.StartAsync(InVictim(b), "eth0", Encoding.ASCII.GetBytes(genuineMarker));
        string script = "import sys, select\nfrom scapy.all import *\n"
            + $"forged=Ether(src='{a.Mac}',dst='{Broadcast}')/IP(src='203.0.113.9',dst='255.255.255.255')/UDP(sport=40000,dport=40000)/Raw(load=b'{forgedMarker}')\n"
            + $"genuine=Ether(src='{a.Mac}',dst='{Broadcast}')/IP(src='{a.Ipv4}',dst='255.255.255.255')/UDP(sport=40000,dport=40000)/Raw(load=b'{genuineMarker}')\n"
            + "s=conf.L2socket(iface='eth0')\nprint('ready',flush=True)\nsent=0\n"
            + "while not select.select([sys.stdin],[],[],0)[0]:\n    s.send(forged); s.send(genuine); sent+=1\nprint(sent,flush=True)\n";
        using var blaster = Process.Start(new ProcessStartInfo("/usr/bin/nsenter")
        {
            ArgumentList = { "-t", a.Pid.ToString(CultureInfo.InvariantCulture), "-n", "/usr/bin/python3", "-c", script },
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        Assert.Equal("ready", await blaster.StandardOutput.ReadLineAsync());
        for (int i = 0; i < 200; i++)
        {
            await _harness.SetAttackerNicAsync(new Dictionary<string, string>
            {
                ["security.ipv4_filtering"] = "true", ["ipv4.routes"] = i % 2 == 0 ? "198.51.100.0/25" : "198.51.100.0/24",
            });
        }
        blaster.StandardInput.Close();
        string sent = (await blaster.StandardOutput.ReadToEndAsync()).Trim();
        await blaster.WaitForExitAsync();
        int genuine = await genuineAtVictim.StopAsync();
        Assert.True(genuine > 0, $"the genuine stream did not arrive ({sent} pairs sent): the sniffer saw nothing");
        Assert.Equal(0, await forgedAtVictim.StopAsync());
    }

    [Fact]
    public async Task FiltersAreBackWithinTwoSecondsAfterAnExternalFlush()
    {
        var (a, b) = await FilteredAsync(new() { ["security.mac_filtering"] = "true" });
        string forged = Udp($"Ether(src='{SpoofedMac}',dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')");
        await FlushEverythingExternallyAsync();
        var deadline = Stopwatch.StartNew();
        while ((await KernelStateMentioningAsync(a.HostName)).Count == 0)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(2), "the filter was not rebuilt within 2 s");
            await Task.Delay(50);
        }
        await AssertDroppedAsync(a, b, forged);
        Assert.Contains("firewall drift", fixture.Daemon.RecentLog);
    }

    [Fact]
    public async Task AdminFirewallReconcileRebuildsNetworkRulesAndFiltersAtOnce()
    {
        var (a, b) = await FilteredAsync(new() { ["security.mac_filtering"] = "true" });
        using var events = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(UnixHttp.Handler(fixture.Daemon.SocketPath));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await events.ConnectAsync(new Uri("ws://unix.socket/1.0/events?type=lifecycle"), invoker, timeout.Token);
        await FlushEverythingExternallyAsync();
        // The drift watch brings NIC filters back, but never a network's own rules: those come back only by reconcile.
        Assert.Empty(await KernelStateMentioningAsync(fixture.BridgeName));

        var cli = (await Command.RunAsync(Stage.Cli, ["admin", "firewall", "reconcile", "--format", "json"], fixture.CliEnvironment))
            .EnsureSuccess("incus admin firewall reconcile");
        using var report = JsonDocument.Parse(cli.Output);
        var done = report.RootElement;
        Assert.Equal(FirewallName, done.GetProperty("driver").GetString());
        Assert.Equal(fixture.ManagedBridge ? 1 : 0, done.GetProperty("networks").GetInt32());
        Assert.Equal(done.GetProperty("networks").GetInt32(), done.GetProperty("networks_applied").GetInt32());
        Assert.True(done.GetProperty("nic_filters").GetInt32() >= 1, cli.Output);
        Assert.Equal(done.GetProperty("nic_filters").GetInt32(), done.GetProperty("nic_filters_rebuilt").GetInt32());

        Assert.NotEmpty(await KernelStateMentioningAsync(a.HostName));
        if (fixture.ManagedBridge)
        {
            Assert.NotEmpty(await KernelStateMentioningAsync(fixture.BridgeName));
        }
        await AssertDroppedAsync(a, b, Udp($"Ether(src='{SpoofedMac}',dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')"));
        await AssertArrivesAsync(a, b, Udp($"Ether(src=a['mac'],dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')"));
        Assert.Contains("firewall reconcile", fixture.Daemon.RecentLog);
        Assert.Equal(done.GetProperty("nic_filters_rebuilt").GetInt32(),
            (await NextLifecycleEventAsync(events, "firewall-reconciled", timeout.Token)).GetProperty("context").GetProperty("nic_filters_rebuilt").GetInt32());
    }

    [Fact]
    public async Task FiltersAreRebuiltWhenTheCoreStartsAfterAFlush()
    {
        var (a, b) = await FilteredAsync(new() { ["security.mac_filtering"] = "true" });
        int core = fixture.Daemon.CorePid;
        (await Command.RunAsync("/bin/kill", "-STOP", core.ToString(CultureInfo.InvariantCulture))).EnsureSuccess("stop the core");
        await FlushEverythingExternallyAsync();
        (await Command.RunAsync("/bin/kill", "-9", core.ToString(CultureInfo.InvariantCulture))).EnsureSuccess("kill the core");
        await fixture.Daemon.WaitForRestartAsync("incus-core", core, TimeSpan.FromSeconds(30));
        await fixture.Daemon.WaitForApiAsync(TimeSpan.FromSeconds(30));
        Assert.NotEmpty(await KernelStateMentioningAsync(a.HostName));
        await AssertDroppedAsync(a, b, Udp($"Ether(src='{SpoofedMac}',dst='{Broadcast}')/IP(src=a['ip4'],dst='255.255.255.255')"));
    }

    [Fact]
    public async Task StopUnplugAndDeleteLeaveNothingOfTheNicAndManyNicsShareTheBaseChains()
    {
        var filter = fixture.Nic("eth0", new Dictionary<string, string> { ["security.ipv4_filtering"] = "true", ["security.ipv6_filtering"] = "true" }, "c3");
        await fixture.Api(HttpMethod.Post, "/1.0/instances", new
        {
            name = "c3", source = new { type = "image", alias = BridgeNetworkFixture.Image }, start = true,
            devices = new Dictionary<string, Dictionary<string, string>> { ["eth0"] = filter },
        });
        try
        {
            await FilteredAsync(new() { ["security.mac_filtering"] = "true" });
            await fixture.Api(HttpMethod.Patch, "/1.0/instances/c3", new
            {
                devices = new Dictionary<string, Dictionary<string, string>> { ["eth0"] = filter, ["eth1"] = new(filter) { ["name"] = "eth1" } },
            });
            var config = await _harness.InstanceConfigAsync("c3");
            string eth0 = config.GetProperty("volatile.eth0.host_name").GetString()!;
            string eth1 = config.GetProperty("volatile.eth1.host_name").GetString()!;
            Assert.NotEmpty(await KernelStateMentioningAsync(eth0));
            Assert.NotEmpty(await KernelStateMentioningAsync(eth1));
            // Three filtered NICs, and still one base chain per hook.
            Assert.Equal(2, await NicFilterBaseChainCountAsync());

            await RemoveDeviceAsync("c3", "eth1");
            Assert.Empty(await KernelStateMentioningAsync(eth1));
            Assert.NotEmpty(await KernelStateMentioningAsync(eth0));
            Assert.NotEmpty(await KernelStateMentioningAsync((await _harness.PeerAsync(NicFilterHarness.Attacker)).HostName));

            await fixture.Api(HttpMethod.Put, "/1.0/instances/c3/state", new { action = "stop", force = true });
            Assert.Empty(await KernelStateMentioningAsync(eth0));
            await fixture.Api(HttpMethod.Put, "/1.0/instances/c3/state", new { action = "start" });
            string restarted = (await _harness.InstanceConfigAsync("c3")).GetProperty("volatile.eth0.host_name").GetString()!;
            Assert.NotEmpty(await KernelStateMentioningAsync(restarted));
            await fixture.Api(HttpMethod.Put, "/1.0/instances/c3/state", new { action = "stop", force = true });
            await fixture.Api(HttpMethod.Delete, "/1.0/instances/c3");
            Assert.Empty(await KernelStateMentioningAsync(restarted));
            Assert.Empty(await KernelStateMentioningAsync("c3"));
        }
        finally
        {
            await fixture.Api(HttpMethod.Put, "/1.0/instances/c3/state", new { action = "stop", force = true }, mustSucceed: false);
            await fixture.Api(HttpMethod.Delete, "/1.0/instances/c3", mustSucceed: false);
        }
    }

    [Fact]
    public async Task AFilterWithNoAddressAndNoWayToReserveOneIsRefused()
    {
        await fixture.Api(HttpMethod.Post, "/1.0/networks", new
        {
            name = "tbr7", config = new Dictionary<string, string> { ["ipv4.address"] = "203.0.113.1/24", ["ipv4.dhcp"] = "false", ["ipv6.address"] = "none" },
        });
        try
        {
            var device = new Dictionary<string, string> { ["type"] = "nic", ["network"] = "tbr7", ["name"] = "eth1", ["security.ipv4_filtering"] = "true" };
            var answer = await fixture.Api(HttpMethod.Patch, $"/1.0/instances/{NicFilterHarness.Victim}",
                new { devices = new Dictionary<string, Dictionary<string, string>> { ["eth1"] = device } }, mustSucceed: false);
            Assert.Equal(400, answer.Status);
            Assert.Contains("ipv4.address", answer.Error);
            device["security.ipv6_filtering"] = "true";
            device.Remove("security.ipv4_filtering");
            answer = await fixture.Api(HttpMethod.Patch, $"/1.0/instances/{NicFilterHarness.Victim}",
                new { devices = new Dictionary<string, Dictionary<string, string>> { ["eth1"] = device } }, mustSucceed: false);
            Assert.Equal(400, answer.Status);
            Assert.Contains("ipv6.address", answer.Error);
            answer = await _harness.SetAttackerNicAsync(new Dictionary<string, string> { ["ipv4.address"] = "none" }, mustSucceed: false);
            Assert.Equal(400, answer.Status);
            Assert.Contains("security.ipv4_filtering", answer.Error);
        }
        finally
        {
            await fixture.Api(HttpMethod.Delete, "/1.0/networks/tbr7", mustSucceed: false);
        }
    }

    private async Task RemoveDeviceAsync(string instance, string device)
    {
        var current = (await UnixHttp.GetAsync(fixture.Daemon.SocketPath, $"/1.0/instances/{instance}")).Metadata;
        var devices = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(current.GetProperty("devices").GetRawText())!;
        devices.Remove(device);
        await fixture.Api(HttpMethod.Put, $"/1.0/instances/{instance}", new
        {
            architecture = current.GetProperty("architecture").GetString(),
            config = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(current.GetProperty("config").GetRawText()),
            devices,
            profiles = current.GetProperty("profiles"),
            description = current.GetProperty("description").GetString(),
        });
    }

    /// <summary>The metadata of the next lifecycle event with <paramref name="action"/>; others (such as drift repairs) are passed over.</summary>
    private static async Task<JsonElement> NextLifecycleEventAsync(ClientWebSocket events, string action, CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await events.ReceiveAsync(buffer, cancellationToken);
                text.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);
            using var message = JsonDocument.Parse(text.ToArray());
            var metadata = message.RootElement.GetProperty("metadata");
            if (metadata.GetProperty("action").GetString() == action)
            {
                return metadata.Clone();
            }
        }
    }

    private static string[] InVictim(NicFilterHarness.Peer b) => ["/usr/bin/nsenter", "-t", b.Pid.ToString(CultureInfo.InvariantCulture), "-n"];

    private async Task<(NicFilterHarness.Peer A, NicFilterHarness.Peer B)> PeersAsync() =>
        (await _harness.PeerAsync(NicFilterHarness.Attacker), await _harness.PeerAsync(NicFilterHarness.Victim));

    private async Task<(NicFilterHarness.Peer A, NicFilterHarness.Peer B)> FilteredAsync(Dictionary<string, string> keys)
    {
        await _harness.SetAttackerNicAsync(keys);
        return await PeersAsync();
    }

    private static string Udp(string layers, int sport = 40000, int dport = 40000, string payload = "Raw(load=marker)") =>
        $"{layers}/UDP(sport={sport},dport={dport})/{payload}";

    private static string NeighborAdvert(string target, string linkLayer, string before = "") =>
        "Ether(src=a['mac'],dst='33:33:00:00:00:01')/IPv6(src=a['ip6'],dst='ff02::1',hlim=255)"
        + $"/ICMPv6ND_NA(tgt={target},R=0,S=0,O=1)/{before}ICMPv6NDOptDstLLAddr(lladdr={linkLayer})";

    private static byte[] NaPattern(string target, string mac) => [.. NicFilterHarness.Bytes(target), 0x02, 0x01, .. NicFilterHarness.MacBytes(mac)];

    private async Task AssertDroppedAsync(NicFilterHarness.Peer a, NicFilterHarness.Peer b, string frames, byte[]? pattern = null, bool host = false)
    {
        string marker = NicFilterHarness.NewMarker();
        var (atVictim, atHost) = await _harness.MeasureAsync(a, b, frames, pattern ?? Encoding.ASCII.GetBytes(marker), marker: marker);
        Assert.True(atVictim == 0 && atHost == 0, $"dropped expected, but {atVictim} reached {NicFilterHarness.Victim} and {atHost} the host: {frames}");
    }

    private async Task AssertArrivesAsync(NicFilterHarness.Peer a, NicFilterHarness.Peer b, string frames, byte[]? pattern = null, bool host = false)
    {
        string marker = NicFilterHarness.NewMarker();
        var (atVictim, atHost) = await _harness.MeasureAsync(a, b, frames, pattern ?? Encoding.ASCII.GetBytes(marker), marker: marker);
        Assert.True(atHost > 0 && (host || atVictim > 0), $"expected to arrive, but {atVictim} reached {NicFilterHarness.Victim} and {atHost} the host: {frames}");
    }

    private async Task AssertPingsAsync(string from, params string[] targets)
    {
        foreach (string target in targets)
        {
            var ping = await fixture.InContainerAsync(from, "/bin/busybox", "ping", "-c", "1", "-W", "2", target);
            Assert.True(ping.ExitCode == 0, $"{from} could not ping {target} through its filter: {ping.Output} {ping.Error}");
        }
    }
}
