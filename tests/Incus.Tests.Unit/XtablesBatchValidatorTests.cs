using Incus.Helpers;
using Incus.Helpers.Net;
using Incus.Plugins.FirewallXt;
using Incus.Sdk.Drivers;
using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;

namespace Incus.Tests.Unit;

public sealed class XtablesBatchValidatorTests
{
    private static readonly NicState Empty = new(new XtTables("ebtables", "filter", []), new XtTables("iptables", "raw", []), new XtTables("ip6tables", "raw", []));

    [Fact]
    public void EveryBatchOfTheXtDriverPasses()
    {
        var nic = new NicFilterSpec
        {
            Instance = "c1", Device = "eth0", HostName = "veth1a2b3c4d", HwAddr = "02:00:00:00:00:01",
            MacFiltering = true, Ipv4Allowed = ["192.0.2.5", "198.51.100.0/24"], Ipv6Allowed = ["2001:db8:1::5", "2001:db8:2::/64"],
        };
        var batches = XtFirewallDriver.ApplyBatches(nic, 0, Empty);
        Assert.Equal(3, batches.Count);
        // A name outside the hex buckets, and the removals that take the buckets away again.
        var odd = XtFirewallDriver.ApplyBatches(nic with { HostName = "eth-odd" }, 0, Empty);
        var installed = Empty.After(batches).After(odd);
        var clears = XtFirewallDriver.ClearBatches("veth1a2b3c4d", installed).Concat(XtFirewallDriver.ClearBatches("eth-odd", installed)).ToList();
        Assert.Contains(clears.SelectMany(b => b.Lines), l => l == "-X INCUS-IN-1a");
        foreach (var batch in batches.Concat(odd).Concat(clears))
        {
            string text = XtablesBatchValidator.Validate(batch.Tool, batch.Table, batch.Lines);
            Assert.EndsWith("COMMIT\n", text);
        }
        foreach (string tool in new[] { "iptables", "ip6tables" })
        {
            var rules = XtFirewallDriver.NetworkRules(new NetworkFirewallSpec
            {
                Bridge = "incusbr0",
                Families =
                [
                    new NetworkFirewallFamily { Family = "ipv4", Subnet = "192.0.2.0/24", Nat = true, Routing = true, Dhcp = true },
                    new NetworkFirewallFamily { Family = "ipv6", Subnet = "2001:db8:1::/64", Nat = false, Routing = false, Dhcp = true },
                ],
            }, tool);
            foreach (var (kind, lines) in rules.Where(r => r.Value.Count > 0))
            {
                string chain = XtFirewallDriver.NetworkChain(kind, "incusbr0");
                XtablesBatchValidator.Validate(tool, kind == "pst" ? "nat" : "filter", [$":{chain} -", .. lines.Select(l => $"-A {chain} {l}")]);
            }
        }
    }

    [Theory]
    [InlineData("ebtables", "filter", "-F FORWARD")]
    [InlineData("ebtables", "filter", "-F")]
    [InlineData("ebtables", "filter", "-X")]
    [InlineData("ebtables", "filter", "-X FORWARD")]
    [InlineData("ebtables", "filter", "-Z INCUS-FWD")]
    [InlineData("ebtables", "filter", "-P FORWARD DROP")]
    [InlineData("ebtables", "filter", ":FORWARD DROP")]
    [InlineData("ebtables", "filter", ":INCUS-FWD DROP")]
    [InlineData("ebtables", "filter", "-A FORWARD -i veth1 -j DROP")]
    [InlineData("ebtables", "filter", "-A FORWARD -j ADMIN")]
    [InlineData("ebtables", "filter", "-D FORWARD -i eth0 -j ACCEPT")]
    [InlineData("ebtables", "filter", "-A ADMIN -j DROP")]
    [InlineData("ebtables", "filter", "-A INCUS-FWD -j ADMIN")]
    [InlineData("ebtables", "filter", "-E INCUS-FWD ADMIN")]
    [InlineData("ebtables", "filter", "-A INCUS-FWD --atomic-file /etc/x -j DROP")]
    [InlineData("iptables", "raw", "-A INCUS-PRE -t filter -j DROP")]
    [InlineData("iptables", "raw", "-I PREROUTING 1 -s 10.0.0.0/8 -j INCUS-PRE")]
    [InlineData("iptables", "raw", "-I PREROUTING 2 -j INCUS-PRE")]
    [InlineData("iptables", "mangle", ":INCUS-X -")]
    [InlineData("iptables", "security", ":INCUS-X -")]
    [InlineData("arptables", "filter", ":INCUS-X -")]
    [InlineData("iptables", "filter", ":INCUS-X - [0:0]\n-F INPUT")]
    [InlineData("iptables", "filter", "-A INCUS-X -m comment --comment \"x\" -j DROP")]
    [InlineData("iptables", "filter", "COMMIT")]
    [InlineData("iptables", "filter", "*nat")]
    [InlineData("iptables", "filter", ":INCUS-THIS-NAME-IS-FAR-TOO-LONG-X -")]
    [InlineData("iptables", "filter", "-A INCUS-X -j MARK --set-mark 1")]
    [InlineData("ebtables", "filter", "-A INCUS-IN -i ve+th -j INCUS-IN-1")]
    [InlineData("ebtables", "filter", "-A INCUS-IN -i + -j INCUS-IN-1")]
    [InlineData("ebtables", "filter", "-A INCUS-IN -i veth1++ -j INCUS-IN-1")]
    [InlineData("ebtables", "filter", "-A INCUS-IN -s 02:00:00:00:00:01+ -j DROP")]
    [InlineData("ebtables", "filter", "-A INCUS-IN -i veth1 -j INCUS-IN+")]
    [InlineData("ebtables", "filter", ":INCUS-IN+ RETURN")]
    [InlineData("iptables", "raw", "-A INCUS-PRE -m u32 --u32 4+1=2 -j DROP")]
    [InlineData("iptables", "raw", "-A INCUS-PRE -s 10.0.0.0+ -j DROP")]
    [InlineData("iptables", "raw", "-A INCUS-PRE -m physdev --physdev-in veth0123456789abc+ -j DROP")]
    [InlineData("iptables", "raw", "-A INCUS-PRE -m comment --comment veth+ -j DROP")]
    public void RefusesAnythingOutsideOurChains(string tool, string table, string line)
    {
        Assert.Throws<HelperRequestException>(() => XtablesBatchValidator.Validate(tool, table, [line]));
    }

    [Fact]
    public void OneJumpFromABuiltInChainAndOurChainsPass()
    {
        string text = XtablesBatchValidator.Validate("ebtables", "filter",
            [":INCUS-FWD RETURN", "-I FORWARD 1 -j INCUS-FWD", "-A INCUS-FWD -i veth1 -j INCUS-F-veth1-0", "-D FORWARD -j INCUS-FWD", "-F INCUS-FWD", "-X INCUS-FWD"]);
        Assert.Equal("*filter\n:INCUS-FWD RETURN\n-I FORWARD 1 -j INCUS-FWD\n-A INCUS-FWD -i veth1 -j INCUS-F-veth1-0\n-D FORWARD -j INCUS-FWD\n-F INCUS-FWD\n-X INCUS-FWD\nCOMMIT\n", text);
        Assert.StartsWith("*raw\n:INCUS-PRE - [0:0]\n", XtablesBatchValidator.Validate("iptables", "raw", [":INCUS-PRE -"]));
    }

    [Theory]
    [InlineData("ebtables", "filter", "-A INCUS-IN -i veth1+ -j INCUS-IN-1")]
    [InlineData("ebtables", "filter", "-D INCUS-IN-1 -i veth1a+ -j INCUS-IN-1a")]
    [InlineData("ebtables", "filter", "-A INCUS-IN -i ! veth+ -j DROP")]
    [InlineData("iptables", "raw", "-A INCUS-PRE -m physdev --physdev-in veth1+ -j INCUS-PRE-1")]
    [InlineData("ip6tables", "filter", "-A INCUS-X ! -o incusbr+ -j DROP")]
    public void ATrailingWildcardOnAnInterfaceNamePasses(string tool, string table, string line) =>
        Assert.Contains(line.Replace("-A ", "", StringComparison.Ordinal).Replace("-D ", "", StringComparison.Ordinal), XtablesBatchValidator.Validate(tool, table, [line]), StringComparison.Ordinal);

    [Fact]
    public void ListingsKeepOnlyOurLines()
    {
        var lines = XtablesBatchValidator.Relevant("*filter\n:INPUT ACCEPT\n:INCUS-IN RETURN\n-A INPUT -j ADMIN\n-A INPUT -j INCUS-IN\n-A INCUS-IN -i v -j INCUS-I-v-0\nCOMMIT\n");
        Assert.Equal([":INCUS-IN RETURN", "-A INPUT -j INCUS-IN", "-A INCUS-IN -i v -j INCUS-I-v-0"], lines);
    }
}
