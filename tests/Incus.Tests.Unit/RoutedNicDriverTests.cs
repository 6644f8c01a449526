using Incus.Plugins.FirewallNft;
using Incus.Plugins.FirewallXt;
using Incus.Plugins.NetworkRouted;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;
using Moq;

namespace Incus.Tests.Unit;

/// <summary>The routed NIC driver against a mock net helper and a fake /proc and /sys.</summary>
public sealed class RoutedNicDriverTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();
    private readonly Mock<INetHelper> _helper = new(MockBehavior.Loose);
    private readonly Mock<IFirewallDriver> _firewall = new(MockBehavior.Loose);
    private readonly List<string> _calls = [];

    /// <summary>What the mock helper reports as created by it; a VLAN joins when the driver creates one.</summary>
    private readonly List<string> _owned = ["vethtest"];

    public RoutedNicDriverTests()
    {
        Directory.CreateDirectory(Path.Combine(_root.Path, "sys", "class", "net", "up0"));
        File.WriteAllText(Path.Combine(_root.Path, "sys", "class", "net", "up0", "mtu"), "1450\n");
        foreach (var (family, link, key, value) in new[]
        {
            ("ipv4", "up0", "forwarding", "1"), ("ipv6", "all", "forwarding", "1"), ("ipv6", "all", "proxy_ndp", "1"),
            ("ipv6", "up0", "forwarding", "1"), ("ipv6", "up0", "proxy_ndp", "1"), ("ipv6", "vethtest", "accept_ra", "1"),
        })
        {
            SetSysctl(family, link, key, value);
        }
        _helper.Setup(h => h.ListOwnedLinksAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() => _owned.ToList());
        _helper.Setup(h => h.CreateVlanAsync(It.IsAny<VlanSpec>(), It.IsAny<CancellationToken>()))
            .Callback<VlanSpec, CancellationToken>((v, _) =>
            {
                // As the kernel and the helper would: the VLAN appears in /sys, with the parent's MTU, and is owned.
                string name = $"{v.Parent}.{v.Id}";
                _calls.Add($"vlan {v.Parent} {v.Id}");
                Directory.CreateDirectory(Path.Combine(_root.Path, "sys", "class", "net", name));
                File.WriteAllText(Path.Combine(_root.Path, "sys", "class", "net", name, "mtu"), "1450\n");
                _owned.Add(name);
            }).Returns(Task.CompletedTask);
        _helper.Setup(h => h.ReleaseVlanAsync(It.IsAny<LinkName>(), It.IsAny<CancellationToken>()))
            .Callback<LinkName, CancellationToken>((l, _) => _calls.Add($"unvlan {l.Name}")).Returns(Task.CompletedTask);
        _helper.Setup(h => h.ProbeNeighborAsync(It.IsAny<NeighborProbe>(), It.IsAny<CancellationToken>()))
            .Callback<NeighborProbe, CancellationToken>((p, _) => _calls.Add($"probe {p.Interface} {p.Address}")).ReturnsAsync(false);
        _helper.Setup(h => h.CreateRoutedVethAsync(It.IsAny<RoutedVethSpec>(), It.IsAny<CancellationToken>()))
            .Callback<RoutedVethSpec, CancellationToken>((s, _) => _calls.Add($"veth {s.HostName} {s.PeerName} {s.HostMtu} {s.PeerMtu}")).Returns(Task.CompletedTask);
        _helper.Setup(h => h.SetInterfaceSysctlAsync(It.IsAny<InterfaceSysctl>(), It.IsAny<CancellationToken>()))
            .Callback<InterfaceSysctl, CancellationToken>((s, _) => _calls.Add($"sysctl {s.Interface} {s.Family} {s.Key}={s.Value}")).Returns(Task.CompletedTask);
        _helper.Setup(h => h.AddNicRoutesAsync(It.IsAny<NicRoutesSpec>(), It.IsAny<CancellationToken>()))
            .Callback<NicRoutesSpec, CancellationToken>((s, _) => _calls.Add($"routes {s.HostName} {s.Parent} {string.Join(',', s.Addresses)} {string.Join(',', s.Routes)}"))
            .Returns(Task.CompletedTask);
        _helper.Setup(h => h.DeleteLinkAsync(It.IsAny<LinkName>(), It.IsAny<CancellationToken>()))
            .Callback<LinkName, CancellationToken>((l, _) => _calls.Add($"delete {l.Name}")).Returns(Task.CompletedTask);
        _helper.Setup(h => h.RemoveNicRoutesAsync(It.IsAny<LinkName>(), It.IsAny<CancellationToken>()))
            .Callback<LinkName, CancellationToken>((l, _) => _calls.Add($"unroute {l.Name}")).Returns(Task.CompletedTask);
        _firewall.Setup(f => f.ApplyReversePathFilterAsync(It.IsAny<string>(), It.IsAny<INetHelper>(), It.IsAny<CancellationToken>()))
            .Callback<string, INetHelper, CancellationToken>((h, _, _) => _calls.Add($"rpfilter {h}")).Returns(Task.CompletedTask);
        _firewall.Setup(f => f.ClearReversePathFilterAsync(It.IsAny<string>(), It.IsAny<INetHelper>(), It.IsAny<CancellationToken>()))
            .Callback<string, INetHelper, CancellationToken>((h, _, _) => _calls.Add($"unrpfilter {h}")).Returns(Task.CompletedTask);
    }

    public void Dispose() => _root.Dispose();

    private RoutedNicDriver Driver => new() { ProcRoot = Path.Combine(_root.Path, "proc"), SysRoot = Path.Combine(_root.Path, "sys") };

    private void SetSysctl(string family, string link, string key, string value)
    {
        string directory = Path.Combine(_root.Path, "proc", "sys", "net", family, "conf", link);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, key), value + "\n");
    }

    private NicContext Context(params (string Key, string Value)[] keys)
    {
        var config = new Dictionary<string, string> { ["type"] = "nic", ["nictype"] = "routed", ["parent"] = "up0" };
        foreach (var (key, value) in keys)
        {
            config[key] = value;
        }
        return new NicContext
        {
            Instance = "c1", Device = "eth0", Config = config, Parent = "up0", NetworkConfig = new Dictionary<string, string>(),
            HwAddr = "10:66:6a:00:00:01", HostName = "vethtest", Helper = _helper.Object, Firewall = _firewall.Object,
        };
    }

    [Fact]
    public async Task StartProbesThenBuildsTheHostSideAndHandsAddressesInside()
    {
        var attachment = await Driver.StartAsync(Context(("ipv4.address", "192.0.2.10"), ("ipv6.address", "2001:db8::10"), ("ipv4.routes", "198.51.100.0/24")),
            CancellationToken.None);
        string peer = RoutedNicDriver.PeerName("vethtest");
        Assert.Equal(peer, attachment.Link);
        Assert.Equal(1450, attachment.Mtu);
        Assert.Equal(["192.0.2.10/32"], attachment.Addresses!.Ipv4);
        Assert.Equal(["2001:db8::10/128"], attachment.Addresses.Ipv6);
        Assert.Equal("169.254.0.1", attachment.Addresses.Ipv4Gateway);
        Assert.Equal("fe80::1", attachment.Addresses.Ipv6Gateway);
        int Index(string call) => _calls.FindIndex(c => c == call);
        Assert.True(Index("probe up0 192.0.2.10") >= 0 && Index("probe up0 192.0.2.10") < Index($"veth vethtest {peer} 1450 1450"), string.Join('\n', _calls));
        Assert.Contains("sysctl vethtest ipv6 accept_ra=0", _calls);
        Assert.Contains("sysctl vethtest ipv4 rp_filter=1", _calls);
        Assert.Contains("sysctl vethtest ipv4 forwarding=1", _calls);
        Assert.Contains("sysctl vethtest ipv6 forwarding=1", _calls);
        Assert.Contains("routes vethtest up0 192.0.2.10,2001:db8::10 198.51.100.0/24", _calls);
        Assert.True(Index("rpfilter vethtest") < Index("routes vethtest up0 192.0.2.10,2001:db8::10 198.51.100.0/24"), "the filter is in before traffic is routed");
        // The parent is the administrator's: no sysctl is ever written on it.
        Assert.DoesNotContain(_calls, c => c.StartsWith("sysctl up0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABusyAddressRefusesStartBeforeAnythingIsCreated()
    {
        _helper.Setup(h => h.ProbeNeighborAsync(It.Is<NeighborProbe>(p => p.Address == "2001:db8::10"), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Driver.StartAsync(Context(("ipv6.address", "2001:db8::10")), CancellationToken.None));
        Assert.Equal("IP address \"2001:db8::10\" in use on parent network \"up0\"", error.Message);
        Assert.DoesNotContain(_calls, c => c.StartsWith("veth", StringComparison.Ordinal) || c.StartsWith("routes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithTheProbeOffNoProbeIsSent()
    {
        await Driver.StartAsync(Context(("ipv4.address", "192.0.2.10"), ("ipv4.neighbor_probe", "false")), CancellationToken.None);
        Assert.DoesNotContain(_calls, c => c.StartsWith("probe", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ipv6", "all", "proxy_ndp", "net.ipv6.conf.all.proxy_ndp=1")]
    [InlineData("ipv6", "up0", "forwarding", "net.ipv6.conf.up0.forwarding=1")]
    [InlineData("ipv4", "up0", "forwarding", "net.ipv4.conf.up0.forwarding=1")]
    public async Task AMissingParentSysctlRefusesStartNamingIt(string family, string link, string key, string expected)
    {
        SetSysctl(family, link, key, "0");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Driver.StartAsync(Context(("ipv4.address", "192.0.2.10"), ("ipv6.address", "2001:db8::10")), CancellationToken.None));
        Assert.Equal($"Routed mode requires sysctl {expected}", error.Message);
        Assert.Empty(_calls);
    }

    [Fact]
    public void DotsInTheParentNameBecomeSlashesInTheSysctl()
    {
        Assert.Equal("net.ipv4.conf.up0/7.forwarding=1", Driver.RequiredSysctl("up0.7", ipv4: true, ipv6: false));
    }

    [Fact]
    public async Task AFailureHalfWayRemovesWhatWasMade()
    {
        _helper.Setup(h => h.AddNicRoutesAsync(It.IsAny<NicRoutesSpec>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("ip failed"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Driver.StartAsync(Context(("ipv4.address", "192.0.2.10")), CancellationToken.None));
        Assert.Contains("unroute vethtest", _calls);
        Assert.Contains("delete vethtest", _calls);
        Assert.Contains("unrpfilter vethtest", _calls);
    }

    [Fact]
    public async Task WithoutAFirewallARoutedNicWithAddressesDoesNotStart()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Driver.StartAsync(Context(("ipv4.address", "192.0.2.10")) with { Firewall = null }, CancellationToken.None));
        Assert.Contains("reverse-path filter", error.Message);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task UnderXtablesANicWithAddressesIsRefusedBeforeAnythingIsMade()
    {
        // The real xtables driver: it has no reverse-path filter, and rp_filter alone leaves IPv6 sources unchecked.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Driver.StartAsync(Context(("ipv6.address", "2001:db8::10")) with { Firewall = new XtFirewallDriver() }, CancellationToken.None));
        Assert.Equal("Routed NICs with addresses need a reverse-path filter, and the xtables firewall driver has none; use firewall.driver=nftables", error.Message);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task UnderXtablesStopRemovesRoutesAndLinksWithoutAskingForAFilter()
    {
        // The NIC may have been started under nftables before the daemon switched drivers; its routes must still go.
        await Driver.StopAsync(Context(("ipv4.address", "192.0.2.10")) with { Firewall = new XtFirewallDriver() }, CancellationToken.None);
        Assert.Equal(["unroute vethtest", "delete vethtest"], _calls);
    }

    [Fact]
    public async Task UnderXtablesANicWithoutAddressesStartsAndStops()
    {
        var nic = Context(("vlan", "7")) with { Firewall = new XtFirewallDriver() };
        await Driver.StartAsync(nic, CancellationToken.None);
        Assert.DoesNotContain(_calls, c => c.Contains("rpfilter", StringComparison.Ordinal));
        _calls.Clear();
        await Driver.StopAsync(nic, CancellationToken.None);
        Assert.Contains("delete vethtest", _calls);
        Assert.Equal("unvlan up0.7", _calls[^1]);
    }

    [Fact]
    public void OnlyADriverThatImplementsTheFilterHasOne()
    {
        Assert.False(RoutedNicDriver.HasReversePathFilter(new XtFirewallDriver()));
        Assert.True(RoutedNicDriver.HasReversePathFilter(new NftFirewallDriver()));
    }

    [Fact]
    public async Task AVlanIsCreatedAndTheParentSideWorkGoesToIt()
    {
        var nic = Context(("vlan", "7"), ("ipv4.address", "192.0.2.10"), ("ipv6.address", "2001:db8::10"));
        var attachment = await Driver.StartAsync(nic, CancellationToken.None);
        string peer = RoutedNicDriver.PeerName("vethtest");
        int Index(string call) => _calls.FindIndex(c => c == call);
        string log = string.Join('\n', _calls);
        // First thing after clearing a stale veth of the same name: everything else needs the VLAN.
        Assert.Equal("vlan up0 7", _calls.SkipWhile(c => c.StartsWith("delete", StringComparison.Ordinal)).First());
        // up0.7 is ours, so routed mode's sysctls are set on it, not demanded of the administrator.
        Assert.Contains("sysctl up0.7 ipv4 forwarding=1", _calls);
        Assert.Contains("sysctl up0.7 ipv6 forwarding=1", _calls);
        Assert.Contains("sysctl up0.7 ipv6 proxy_ndp=1", _calls);
        Assert.DoesNotContain(_calls, c => c.StartsWith("sysctl up0 ", StringComparison.Ordinal));
        Assert.True(Index("probe up0.7 192.0.2.10") > Index("vlan up0 7") && Index("probe up0.7 2001:db8::10") > 0, log);
        Assert.DoesNotContain(_calls, c => c.StartsWith("probe up0 ", StringComparison.Ordinal));
        // Proxy ARP/NDP entries go where the addresses are answered for: the VLAN.
        Assert.Contains("routes vethtest up0.7 192.0.2.10,2001:db8::10 ", _calls);
        Assert.Contains($"veth vethtest {peer} 1450 1450", _calls);
        Assert.Equal(1450, attachment.Mtu);
        _calls.Clear();
        await Driver.StopAsync(nic, CancellationToken.None);
        Assert.Equal(["unroute vethtest", "delete vethtest", "unrpfilter vethtest", "unvlan up0.7"], _calls);
    }

    [Fact]
    public async Task AnExistingVlanOfOursIsNotCreatedAgainButItsSysctlsAreChecked()
    {
        _owned.Add("up0.7");
        Directory.CreateDirectory(Path.Combine(_root.Path, "sys", "class", "net", "up0.7"));
        SetSysctl("ipv4", "up0.7", "forwarding", "0");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Driver.StartAsync(Context(("vlan", "7"), ("ipv4.address", "192.0.2.10")), CancellationToken.None));
        Assert.Equal("Routed mode requires sysctl net.ipv4.conf.up0/7.forwarding=1", error.Message);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task AFailedStartReleasesTheVlan()
    {
        _helper.Setup(h => h.AddNicRoutesAsync(It.IsAny<NicRoutesSpec>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("ip failed"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Driver.StartAsync(Context(("vlan", "7"), ("ipv4.address", "192.0.2.10")), CancellationToken.None));
        Assert.Equal("ip failed", error.Message);
        Assert.Equal(["unroute vethtest", "delete vethtest", "unrpfilter vethtest", "unvlan up0.7"], _calls.SkipWhile(c => !c.StartsWith("unroute", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AFailedStartUnderXtablesReleasesTheVlan()
    {
        // The audit's case: stop used to throw NotSupportedException from the xtables driver before reaching the VLAN.
        _helper.Setup(h => h.CreateRoutedVethAsync(It.IsAny<RoutedVethSpec>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("veth failed"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Driver.StartAsync(Context(("vlan", "7")) with { Firewall = new XtFirewallDriver() }, CancellationToken.None));
        Assert.Equal("veth failed", error.Message);
        Assert.Equal("unvlan up0.7", _calls[^1]);
    }

    [Fact]
    public async Task WhenCleanupFailsTooTheRestIsStillRemovedAndBothErrorsAreReported()
    {
        _helper.Setup(h => h.AddNicRoutesAsync(It.IsAny<NicRoutesSpec>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("ip failed"));
        _firewall.Setup(f => f.ClearReversePathFilterAsync(It.IsAny<string>(), It.IsAny<INetHelper>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("nft failed"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Driver.StartAsync(Context(("vlan", "7"), ("ipv4.address", "192.0.2.10")), CancellationToken.None));
        Assert.Equal("ip failed; removing what was made also failed: nft failed", error.Message);
        Assert.Contains("delete vethtest", _calls);
        Assert.Equal("unvlan up0.7", _calls[^1]);
    }
}
