using Incus.Plugins.FirewallXt;
using Incus.Sdk.Firewall;

namespace Incus.Tests.Unit;

public sealed class XtNicFilterRulesTests
{
    private static NicFilterSpec Spec(bool mac = true, IReadOnlyList<string>? v4 = null, IReadOnlyList<string>? v6 = null) => new()
    {
        Instance = "c1", Device = "eth0", HostName = "veth1", HwAddr = "02:00:00:0a:0b:0c", MacFiltering = mac, Ipv4Allowed = v4, Ipv6Allowed = v6,
    };

    [Fact]
    public void MacFilteringChecksTheEtherSourceTheArpSenderAndTheNaOptionInBothVariants()
    {
        var chains = XtNicFilterRules.Build(Spec(), 0);
        foreach (string main in new[] { "INCUS-I-veth1-0", "INCUS-F-veth1-0" })
        {
            Assert.Contains($"-A {main} -s ! 02:00:00:0a:0b:0c -j DROP", chains.Ebtables[main]);
            Assert.Contains($"-A {main} -p ARP --arp-mac-src ! 02:00:00:0a:0b:0c -j DROP", chains.Ebtables[main]);
        }
        var raw = chains.Ip6tables["INCUS-P-veth1-0"];
        // 0x0200 = the first two MAC bytes; anything else in the option's first address bytes drops.
        Assert.Contains("-A INCUS-P-veth1-0 -p ipv6-icmp --icmpv6-type 136 -m u32 --u32 4>>16=32&&64&0xFFFF=0x0:0x1FF,0x201:0xFFFF -j DROP", raw);
        Assert.Contains("-A INCUS-P-veth1-0 -p ipv6-icmp --icmpv6-type 136 -m u32 --u32 4>>16=32&&68=0x0:0xA0B0B,0xA0B0D:0xFFFFFFFF -j DROP", raw);
        Assert.Contains("-A INCUS-P-veth1-0 -p ipv6-icmp --icmpv6-type 136 -m u32 ! --u32 4&0xFF00=0x3A00 -j DROP", raw);
        // No IP filter: no ethertype allowlist.
        Assert.DoesNotContain(chains.Ebtables.Keys, k => k.EndsWith('e'));
    }

    [Fact]
    public void AllowedSourcesBecomeReturnsInASubChainThatEndsInADrop()
    {
        var chains = XtNicFilterRules.Build(Spec(v4: ["192.0.2.5", "198.51.100.0/24"]), 1);
        Assert.Equal(
            ["-A INCUS-F-veth1-14 -p IPv4 --ip-src 192.0.2.5 -j RETURN", "-A INCUS-F-veth1-14 -p IPv4 --ip-src 198.51.100.0/24 -j RETURN", "-A INCUS-F-veth1-14 -j DROP"],
            chains.Ebtables["INCUS-F-veth1-14"]);
        // The input variant also lets 0.0.0.0 on to the DHCP exception.
        Assert.Contains("-A INCUS-I-veth1-14 -p IPv4 --ip-src 0.0.0.0 -j RETURN", chains.Ebtables["INCUS-I-veth1-14"]);
        Assert.Contains("-A INCUS-F-veth1-1 -p ARP -j INCUS-F-veth1-1a", chains.Ebtables["INCUS-F-veth1-1"]);
        Assert.Equal(["-A INCUS-F-veth1-1e -p ARP -j RETURN", "-A INCUS-F-veth1-1e -p IPv4 -j RETURN", "-A INCUS-F-veth1-1e -p IPv6 -j RETURN", "-A INCUS-F-veth1-1e -j DROP"],
            chains.Ebtables["INCUS-F-veth1-1e"]);
        // The DHCP client hardware address must be the NIC's.
        Assert.Contains(chains.Iptables["INCUS-P-veth1-1"], l => l.Contains("@36=0x0:0x2000009,0x200000B:0xFFFFFFFF", StringComparison.Ordinal));
    }

    [Fact]
    public void BlockedFamiliesDropWholeProtocols()
    {
        var chains = XtNicFilterRules.Build(Spec(v4: [], v6: []), 0);
        Assert.Contains("-A INCUS-F-veth1-0 -p ARP -j DROP", chains.Ebtables["INCUS-F-veth1-0"]);
        Assert.Contains("-A INCUS-F-veth1-0 -p IPv4 -j DROP", chains.Ebtables["INCUS-F-veth1-0"]);
        Assert.Contains("-A INCUS-F-veth1-0 -p IPv6 -j DROP", chains.Ebtables["INCUS-F-veth1-0"]);
        Assert.Contains("-A INCUS-F-veth1-0 -j INCUS-F-veth1-0e", chains.Ebtables["INCUS-F-veth1-0"]);
    }

    [Theory]
    [InlineData("2001:db8:1::5", "48=0x20010DB8&&52=0x10000&&56=0x0&&60=0x5")]
    [InlineData("2001:db8:2::/64", "48=0x20010DB8&&52=0x20000")]
    [InlineData("2001:db8::/36", "48=0x20010DB8&&52&0xF0000000=0x0")]
    public void NaTargetsAreMatchedWordByWord(string prefix, string expected) =>
        Assert.Equal(expected, XtNicFilterRules.TargetIn(prefix));

    [Theory]
    [InlineData(0u, 0xFFFFu, "0x1:0xFFFF")]
    [InlineData(0xFFFFu, 0xFFFFu, "0x0:0xFFFE")]
    [InlineData(0x201u, 0xFFFFu, "0x0:0x200,0x202:0xFFFF")]
    public void NotEqualCoversEverythingElse(uint value, uint max, string expected) =>
        Assert.Equal(expected, XtNicFilterRules.NotEqual(value, max));

    private static readonly NicState Empty = new(new XtTables("ebtables", "filter", []), new XtTables("iptables", "raw", []), new XtTables("ip6tables", "raw", []));

    private static NicFilterSpec Named(string host, IReadOnlyList<string>? v4 = null) => Spec(v4: v4) with { HostName = host };

    [Fact]
    public void AFilterInstalledBeforeTheTreeIsMovedIntoItsBucketAndItsOldGenerationDeleted()
    {
        // The layout of drivers before the dispatch tree: the NIC's rules directly in INCUS-IN and INCUS-FWD.
        var state = new NicState(
            new XtTables("ebtables", "filter", [":INCUS-IN RETURN", ":INCUS-FWD RETURN", ":INCUS-I-veth1-0 RETURN", ":INCUS-F-veth1-0 RETURN", ":INCUS-F-veth10-0 RETURN",
                "-A INPUT -j INCUS-IN", "-A FORWARD -j INCUS-FWD", "-A INCUS-IN -i veth1 -j INCUS-I-veth1-0", "-A INCUS-FWD -i veth1 -j INCUS-F-veth1-0"]),
            new XtTables("iptables", "raw", []), new XtTables("ip6tables", "raw", []));
        Assert.True(state.Exists("veth1", 0));
        Assert.False(state.Installed("veth1"));
        var eb = XtFirewallDriver.ApplyBatches(Spec(), 1, state).Single(b => b.Tool == "ebtables").Lines.ToList();
        Assert.DoesNotContain(eb, l => l.StartsWith("-I ", StringComparison.Ordinal));
        Assert.Contains("-D INCUS-FWD -i veth1 -j INCUS-F-veth1-0", eb);
        Assert.Contains("-A INCUS-FWD-other -i veth1 -j INCUS-F-veth1-1", eb);
        Assert.Contains("-X INCUS-F-veth1-0", eb);
        Assert.DoesNotContain("-X INCUS-F-veth10-0", eb);
        Assert.True(eb.IndexOf("-A INCUS-FWD-other -i veth1 -j INCUS-F-veth1-1") < eb.IndexOf("-X INCUS-F-veth1-0"));
        var clear = XtFirewallDriver.ClearBatches("veth1", state).Single().Lines;
        Assert.Equal(["-D INCUS-IN -i veth1 -j INCUS-I-veth1-0", "-D INCUS-FWD -i veth1 -j INCUS-F-veth1-0", "-F INCUS-I-veth1-0", "-F INCUS-F-veth1-0",
            "-X INCUS-I-veth1-0", "-X INCUS-F-veth1-0"], clear);
    }

    [Theory]
    [InlineData("veth1a2b3c4d", true)]
    [InlineData("veth0a", true)]
    [InlineData("vethff000000", true)]
    [InlineData("veth1", false)]
    [InlineData("vethA12b3c4d", false)]
    [InlineData("vethg12b3c4d", false)]
    [InlineData("fbh12", false)]
    [InlineData("myveth00", false)]
    public void OnlyTheCoresVethNamesGetAHexBucket(string host, bool fits) => Assert.Equal(fits, XtDispatchTree.Fits(host));

    [Fact]
    public void ACoreVethNameIsDispatchedThroughTwoHexBucketsInEveryTable()
    {
        var batches = XtFirewallDriver.ApplyBatches(Named("veth1a2b3c4d"), 0, Empty);
        var eb = batches.Single(b => b.Tool == "ebtables").Lines.ToList();
        foreach (var (root, nic) in new[] { ("INCUS-IN", "INCUS-I-veth1a2b3c4d-0"), ("INCUS-FWD", "INCUS-F-veth1a2b3c4d-0") })
        {
            string[] path = [$":{root}-1 RETURN", $"-A {root} -i veth1+ -j {root}-1", $":{root}-1a RETURN", $"-A {root}-1 -i veth1a+ -j {root}-1a", $"-A {root}-1a -i veth1a2b3c4d -j {nic}"];
            // Each chain is declared before the jump into it, and the NIC's rule comes after its chains are filled.
            Assert.Equal(path.Select(l => eb.IndexOf(l)).Order(), path.Select(l => eb.IndexOf(l)));
            Assert.True(eb.IndexOf(path[^1]) > eb.IndexOf($"-A {nic} -s ! 02:00:00:0a:0b:0c -j DROP"));
            Assert.DoesNotContain(eb, l => l.StartsWith($"-A {root} -i veth1a2b3c4d ", StringComparison.Ordinal));
        }
        foreach (var raw in batches.Where(b => b.Table == "raw"))
        {
            Assert.Contains("-A INCUS-PRE -m physdev --physdev-in veth1+ -j INCUS-PRE-1", raw.Lines);
            Assert.Contains("-A INCUS-PRE-1 -m physdev --physdev-in veth1a+ -j INCUS-PRE-1a", raw.Lines);
            Assert.Contains("-A INCUS-PRE-1a -m physdev --physdev-in veth1a2b3c4d -j INCUS-P-veth1a2b3c4d-0", raw.Lines);
        }
    }

    [Fact]
    public void ANameThatDoesNotFitGoesToTheCatchAllBucket()
    {
        var batches = XtFirewallDriver.ApplyBatches(Named("fbh12"), 0, Empty);
        var eb = batches.Single(b => b.Tool == "ebtables").Lines;
        Assert.Contains(":INCUS-IN-other RETURN", eb);
        Assert.Contains("-A INCUS-IN -j INCUS-IN-other", eb);
        Assert.Contains("-A INCUS-IN-other -i fbh12 -j INCUS-I-fbh12-0", eb);
        Assert.Contains("-A INCUS-FWD-other -i fbh12 -j INCUS-F-fbh12-0", eb);
        Assert.Contains("-A INCUS-PRE-other -m physdev --physdev-in fbh12 -j INCUS-P-fbh12-0", batches.Single(b => b.Tool == "iptables").Lines);
        Assert.True(Empty.After(batches).Installed("fbh12"));
    }

    [Fact]
    public void BucketsAreSharedWhileUsedAndRemovedWithTheirLastNic()
    {
        string[] hosts = ["veth1a000001", "veth1a000002", "veth1b000001", "eth-odd"];
        var state = Empty;
        foreach (string host in hosts)
        {
            state = state.After(XtFirewallDriver.ApplyBatches(Named(host), 0, state));
        }
        Assert.All(hosts, h => Assert.True(state.Installed(h)));
        // One jump per bucket, however many NICs share it.
        Assert.Single(state.Eb.Lines, l => l == "-A INCUS-IN -i veth1+ -j INCUS-IN-1");
        Assert.Single(state.Eb.Lines, l => l == "-A INCUS-IN-1 -i veth1a+ -j INCUS-IN-1a");

        // A second NIC in the bucket declares nothing that exists: restore would empty it.
        var again = XtFirewallDriver.ApplyBatches(Named("veth1a000003"), 0, state).Single(b => b.Tool == "ebtables").Lines;
        Assert.DoesNotContain(again, l => l.StartsWith(":INCUS-IN-1", StringComparison.Ordinal) || l.StartsWith("-A INCUS-IN ", StringComparison.Ordinal));

        // Clearing one of two NICs of a bucket leaves the bucket to the other.
        var one = XtFirewallDriver.ClearBatches("veth1a000001", state);
        Assert.DoesNotContain(one.SelectMany(b => b.Lines), l => l.Contains("INCUS-IN-1a", StringComparison.Ordinal) && !l.Contains("veth1a000001", StringComparison.Ordinal));
        state = state.After(one);
        Assert.True(state.Installed("veth1a000002"));
        Assert.False(state.Installed("veth1a000001"));

        // The last NIC of 1a takes the leaf with it, but not 1, which still leads to 1b.
        var last = XtFirewallDriver.ClearBatches("veth1a000002", state).Single(b => b.Tool == "ebtables").Lines.ToList();
        Assert.Contains("-X INCUS-IN-1a", last);
        Assert.True(last.IndexOf("-D INCUS-IN-1 -i veth1a+ -j INCUS-IN-1a") < last.IndexOf("-X INCUS-IN-1a"));
        Assert.DoesNotContain("-X INCUS-IN-1", last);
        state = state.After(XtFirewallDriver.ClearBatches("veth1a000002", state));
        Assert.True(state.Installed("veth1b000001"));

        var rest = XtFirewallDriver.ClearBatches("veth1b000001", state).Single(b => b.Tool == "ebtables").Lines.ToList();
        Assert.True(rest.IndexOf("-X INCUS-IN-1b") < rest.IndexOf("-D INCUS-IN -i veth1+ -j INCUS-IN-1"));
        Assert.Contains("-X INCUS-IN-1", rest);
        state = state.After(XtFirewallDriver.ClearBatches("veth1b000001", state));
        state = state.After(XtFirewallDriver.ClearBatches("eth-odd", state));

        // What stays are the dispatch chains and their jumps from the built-in chains.
        Assert.Equal(["-A FORWARD -j INCUS-FWD", "-A INPUT -j INCUS-IN", ":INCUS-FWD RETURN", ":INCUS-IN RETURN"], state.Eb.Lines.Order(StringComparer.Ordinal));
        Assert.Equal(["-A PREROUTING -j INCUS-PRE", ":INCUS-PRE -"], state.Ip4Raw.Lines.Order(StringComparer.Ordinal));
        Assert.Equal(["-A PREROUTING -j INCUS-PRE", ":INCUS-PRE -"], state.Ip6Raw.Lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ALostBucketJumpIsDriftAndTheRebuildRestoresIt()
    {
        var state = Empty;
        foreach (string host in new[] { "veth1a000001", "veth2b000001" })
        {
            state = state.After(XtFirewallDriver.ApplyBatches(Named(host), 0, state));
        }
        var drifted = state with { Ip4Raw = state.Ip4Raw.After(["-D INCUS-PRE -m physdev --physdev-in veth1+ -j INCUS-PRE-1"]) };
        Assert.False(drifted.Installed("veth1a000001"));
        Assert.True(drifted.Installed("veth2b000001"));
        var rebuild = XtFirewallDriver.ApplyBatches(Named("veth1a000001"), 1, drifted);
        Assert.Contains("-A INCUS-PRE -m physdev --physdev-in veth1+ -j INCUS-PRE-1", rebuild.Single(b => b.Tool == "iptables").Lines);
        Assert.DoesNotContain(":INCUS-PRE-1 -", rebuild.Single(b => b.Tool == "iptables").Lines);
        Assert.True(drifted.After(rebuild).Installed("veth1a000001"));

        // An external flush of a whole table (ebtables -F) empties every chain, buckets included.
        var flushed = state with { Eb = state.Eb.After(state.Eb.Chains.Select(c => $"-F {c}").ToList()) };
        Assert.False(flushed.Installed("veth2b000001"));
        Assert.True(flushed.After(XtFirewallDriver.ApplyBatches(Named("veth2b000001"), 1, flushed)).Installed("veth2b000001"));
    }

    [Fact]
    public void TheChainsLookedUpForANicAreTheChainsItOwns()
    {
        var state = Empty;
        foreach (string host in new[] { "veth1", "veth10", "veth1a000001" })
        {
            state = state.After(XtFirewallDriver.ApplyBatches(Named(host, v4: ["192.0.2.1"]), 0, state));
        }
        state = state.After(XtFirewallDriver.ApplyBatches(Named("veth1", v4: []), 1, state));
        foreach (var tables in new[] { state.Eb, state.Ip4Raw, state.Ip6Raw })
        {
            foreach (string host in new[] { "veth1", "veth10", "veth1a000001", "veth" })
            {
                Assert.Equal(tables.Chains.Where(c => XtFirewallDriver.Owns(c, host)).Order(StringComparer.Ordinal),
                    XtFirewallDriver.OwnedChains(tables, host).Order(StringComparer.Ordinal));
            }
        }
        Assert.Contains("INCUS-F-veth1-1e", XtFirewallDriver.OwnedChains(state.Eb, "veth1"));
    }

    [Fact]
    public void RemovingEverythingTakesTheBucketsToo()
    {
        var state = Empty;
        foreach (string host in new[] { "veth1a000001", "eth-odd" })
        {
            state = state.After(XtFirewallDriver.ApplyBatches(Named(host), 0, state));
        }
        foreach (var tables in new[] { state.Eb, state.Ip4Raw, state.Ip6Raw })
        {
            Assert.Contains(tables.Chains, c => c.EndsWith("-1a", StringComparison.Ordinal));
            Assert.Empty(tables.After(tables.RemoveEverything()).Lines);
        }
    }

    [Fact]
    public void TheFollowedStateIsWhatAFreshListingWouldShow()
    {
        var empty = Empty;
        var installed = empty.After(XtFirewallDriver.ApplyBatches(Spec(v4: ["192.0.2.2"], v6: ["2001:db8::2"]), 0, empty));
        Assert.True(installed.Installed("veth1"));
        Assert.False(installed.Installed("veth2"));
        Assert.True(installed.Exists("veth1", 0));

        // A change moves the NIC to the other generation and the old one is gone from the model too.
        var changed = installed.After(XtFirewallDriver.ApplyBatches(Spec(v4: ["192.0.2.3"]), 1, installed));
        Assert.True(changed.Installed("veth1"));
        Assert.True(changed.Exists("veth1", 1));
        Assert.False(changed.Exists("veth1", 0));

        var cleared = changed.After(XtFirewallDriver.ClearBatches("veth1", changed));
        Assert.False(cleared.Installed("veth1"));
        Assert.False(cleared.Exists("veth1", 0) || cleared.Exists("veth1", 1));
        Assert.DoesNotContain(cleared.Eb.Lines, l => l.Contains("veth1", StringComparison.Ordinal) || l.Contains("-other", StringComparison.Ordinal));
        Assert.Empty(XtFirewallDriver.ClearBatches("veth1", cleared));
    }

    [Fact]
    public void TheModelRefusesLinesItCannotFollow() =>
        Assert.Throws<InvalidOperationException>(() => new XtTables("iptables", "raw", []).After(["-Z INCUS-PRE"]));

    [Fact]
    public void LargeRemovalsAreCutIntoBatchesTheHelperTakesAndKeepTheirOrder()
    {
        var lines = Enumerable.Range(0, 6000).Select(i => $"-F INCUS-I-veth{i}-0")
            .Concat(Enumerable.Range(0, 6000).Select(i => $"-X INCUS-I-veth{i}-0")).ToList();
        var portions = XtFirewallDriver.Portions(lines).ToList();
        Assert.True(portions.Count > 1);
        Assert.All(portions, p => Assert.InRange(p.Sum(l => l.Length + 4), 1, XtFirewallDriver.MaxBatchText));
        Assert.All(portions, p => Assert.InRange(p.Count, 1, XtFirewallDriver.MaxBatchLines));
        var wide = Enumerable.Range(0, 2000).Select(i => $"-A INCUS-I-veth{i}-0 " + new string('x', 200)).ToList();
        Assert.True(XtFirewallDriver.Portions(wide).Count() > 1);
        Assert.Equal(lines, portions.SelectMany(p => p));
        Assert.Equal([["-F INCUS-IN"]], XtFirewallDriver.Portions(["-F INCUS-IN"]).ToList());
    }
}
