using System.Globalization;
using System.Net;
using Incus.Sdk.Firewall;

namespace Incus.Plugins.FirewallXt;

/// <summary>
/// Translates the firewall-neutral <see cref="NicFilterModel"/> into xtables rule text. Checks of the
/// Ethernet, ARP and IP headers go to ebtables (per bridge hook), so tagged and non-IP frames are
/// caught where the bridge sees them. Checks of payload bytes ebtables cannot read (the NA target and
/// link-layer option, the DHCP client hardware address) go to the raw PREROUTING tables of iptables and
/// ip6tables, which see bridged frames through bridge netfilter before the bridge delivers or forwards
/// them. Every rule drops or returns from a sub-chain that ends in a drop ("not one of these" needs a
/// list of returns); none accepts, so no rule can let a frame skip a later check.
/// </summary>
public static class XtNicFilterRules
{
    /// <summary>The rules of one NIC, per chain, for one generation of its chains.</summary>
    public sealed record NicChains(string HostName, int Generation)
    {
        /// <summary>ebtables chains per variant (main chain first) with their lines.</summary>
        public Dictionary<string, List<string>> Ebtables { get; } = new(StringComparer.Ordinal);

        /// <summary>iptables raw chains (main chain first).</summary>
        public Dictionary<string, List<string>> Iptables { get; } = new(StringComparer.Ordinal);

        /// <summary>ip6tables raw chains (main chain first).</summary>
        public Dictionary<string, List<string>> Ip6tables { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>The ebtables main chain of one variant: <c>INCUS-I-veth…-0</c> or <c>INCUS-F-veth…-1</c>.</summary>
    public static string EbChain(NicFilterHooks hook, string hostName, int generation) =>
        $"INCUS-{(hook == NicFilterHooks.Input ? 'I' : 'F')}-{hostName}-{generation.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The raw-table main chain (both iptables and ip6tables).</summary>
    public static string RawChain(string hostName, int generation) => $"INCUS-P-{hostName}-{generation.ToString(CultureInfo.InvariantCulture)}";

    public static NicChains Build(NicFilterSpec nic, int generation)
    {
        ArgumentNullException.ThrowIfNull(nic);
        var model = NicFilterModel.Build(nic);
        var chains = new NicChains(nic.HostName, generation);
        foreach (var hook in new[] { NicFilterHooks.Input, NicFilterHooks.Forward })
        {
            string main = EbChain(hook, nic.HostName, generation);
            chains.Ebtables[main] = [];
            foreach (var rule in NicFilterModel.For(model, hook))
            {
                Ebtables(rule, hook, main, chains.Ebtables);
            }
        }
        string raw = RawChain(nic.HostName, generation);
        chains.Iptables[raw] = [];
        chains.Ip6tables[raw] = [];
        // The raw rules see frames on their way to the host and to other ports alike. The input-only
        // rules among them only concern 0.0.0.0 and fe80::/10 sources, which the forward variant's
        // identity checks in ebtables already drop, so applying them to both paths changes nothing.
        foreach (var rule in model)
        {
            Raw(rule, raw, chains.Iptables, chains.Ip6tables);
        }
        return chains;
    }

    private static void Ebtables(NicFilterRule rule, NicFilterHooks hook, string main, Dictionary<string, List<string>> chains)
    {
        var lines = chains[main];
        string mac = rule.Mac ?? "";
        switch (rule.Kind)
        {
            case NicFilterRuleKind.EtherSourceNotMac:
                lines.Add($"-A {main} -s ! {mac} -j DROP");
                break;
            case NicFilterRuleKind.ArpSenderMacNotMac:
                lines.Add($"-A {main} -p ARP --arp-mac-src ! {mac} -j DROP");
                break;
            case NicFilterRuleKind.ArpSenderIpNotAllowed:
                OneOf(chains, main, "a", "ARP", rule.AddressesFor(hook).Select(a => $"-p ARP --arp-ip-src {a}"));
                break;
            case NicFilterRuleKind.Ipv4SourceNotAllowed:
                OneOf(chains, main, "4", "IPv4", rule.AddressesFor(hook).Select(a => $"-p IPv4 --ip-src {a}"));
                break;
            case NicFilterRuleKind.Ipv6SourceNotAllowed:
                OneOf(chains, main, "6", "IPv6", rule.AddressesFor(hook).Select(a => $"-p IPv6 --ip6-src {a}"));
                break;
            case NicFilterRuleKind.ArpBlocked:
                lines.Add($"-A {main} -p ARP -j DROP");
                break;
            case NicFilterRuleKind.Ipv4Blocked:
                lines.Add($"-A {main} -p IPv4 -j DROP");
                break;
            case NicFilterRuleKind.Ipv6Blocked:
                lines.Add($"-A {main} -p IPv6 -j DROP");
                break;
            case NicFilterRuleKind.RouterAdvertisement:
                lines.Add($"-A {main} -p IPv6 --ip6-proto ipv6-icmp --ip6-icmp-type router-advertisement -j DROP");
                break;
            case NicFilterRuleKind.EthertypeNotAllowed:
                // ebtables reports a tagged frame as 802_1Q even when the kernel already took the tag
                // off, so tagged IP cannot pass as IPv4 here.
                OneOf(chains, main, "e", null, ["-p ARP", "-p IPv4", "-p IPv6"]);
                break;
            case NicFilterRuleKind.UnspecifiedSourceNotDhcp:
                lines.Add($"-A {main} -p IPv4 --ip-src {NicFilterModel.Unspecified} --ip-dst ! 255.255.255.255 -j DROP");
                lines.Add($"-A {main} -p IPv4 --ip-src {NicFilterModel.Unspecified} --ip-proto ! udp -j DROP");
                break;
            case NicFilterRuleKind.NeighborAdvertUnexpectedLayout or NicFilterRuleKind.NeighborAdvertLinkLayerNotMac
                or NicFilterRuleKind.NeighborAdvertTargetNotAllowed or NicFilterRuleKind.LinkLocalSourceNotSolicitationOrDhcpv6:
                // Payload checks: in the raw tables.
                break;
            default:
                throw new NotSupportedException($"xtables has no translation for {rule.Kind}");
        }
    }

    /// <summary>
    /// "Drop unless one of these matches": a jump into a sub-chain that returns for each allowed match
    /// and drops everything else.
    /// </summary>
    private static void OneOf(Dictionary<string, List<string>> chains, string main, string suffix, string? protocol, IEnumerable<string> allowed)
    {
        string sub = main + suffix;
        chains[sub] = [.. allowed.Select(match => $"-A {sub} {match} -j RETURN"), $"-A {sub} -j DROP"];
        chains[main].Add(protocol is null ? $"-A {main} -j {sub}" : $"-A {main} -p {protocol} -j {sub}");
    }

    private const string Na = "-p ipv6-icmp --icmpv6-type 136";

    private static void Raw(NicFilterRule rule, string main, Dictionary<string, List<string>> v4, Dictionary<string, List<string>> v6)
    {
        string mac = rule.Mac ?? "";
        var six = v6[main];
        var four = v4[main];
        switch (rule.Kind)
        {
            case NicFilterRuleKind.NeighborAdvertUnexpectedLayout:
                // Fixed offsets below are only right when the NA follows the IPv6 header directly
                // (next header, byte 6, is ICMPv6) and carries at most one 8-byte option (payload 24 or 32).
                six.Add($"-A {main} {Na} -m u32 ! --u32 4&0xFF00=0x3A00 -j DROP");
                six.Add($"-A {main} {Na} -m u32 ! --u32 4>>16=24,32 -j DROP");
                six.Add($"-A {main} {Na} -m u32 --u32 4>>16=32&&64>>16={NotEqual(0x0201, 0xFFFF)} -j DROP");
                break;
            case NicFilterRuleKind.NeighborAdvertLinkLayerNotMac:
            {
                // The option's address is bytes 66-71: the low half of word 64 and word 68.
                byte[] bytes = MacBytes(mac);
                uint high = (uint)((bytes[0] << 8) | bytes[1]);
                uint low = (uint)((bytes[2] << 24) | (bytes[3] << 16) | (bytes[4] << 8) | bytes[5]);
                six.Add($"-A {main} {Na} -m u32 --u32 4>>16=32&&64&0xFFFF={NotEqual(high, 0xFFFF)} -j DROP");
                six.Add($"-A {main} {Na} -m u32 --u32 4>>16=32&&68={NotEqual(low, 0xFFFFFFFF)} -j DROP");
                break;
            }
            case NicFilterRuleKind.NeighborAdvertTargetNotAllowed:
            {
                // The target address is bytes 48-63 of the packet.
                var prefixes = rule.AddressesFor(NicFilterHooks.Forward);
                if (prefixes.Any(p => p.EndsWith("/0", StringComparison.Ordinal)))
                {
                    break;
                }
                string sub = main + "t";
                v6[sub] = [.. prefixes.Select(p => $"-A {sub} -m u32 --u32 {TargetIn(p)} -j RETURN"), $"-A {sub} -j DROP"];
                six.Add($"-A {main} {Na} -j {sub}");
                break;
            }
            case NicFilterRuleKind.LinkLocalSourceNotSolicitationOrDhcpv6:
            {
                // Only a Router Solicitation to ff02::2 and DHCPv6 to ff02::1:2 port 547, each directly
                // after the IPv6 header (next header 58 or 17), may come from a link-local source.
                string sub = main + "l";
                v6[sub] =
                [
                    $"-A {sub} -d ff02::2/128 -p ipv6-icmp --icmpv6-type 133 -m u32 --u32 4&0xFF00=0x3A00 -j RETURN",
                    $"-A {sub} -d ff02::1:2/128 -p udp --dport 547 -m u32 --u32 4&0xFF00=0x1100 -j RETURN",
                    $"-A {sub} -j DROP",
                ];
                six.Add($"-A {main} -s {NicFilterModel.LinkLocal} -j {sub}");
                break;
            }
            case NicFilterRuleKind.UnspecifiedSourceNotDhcp:
            {
                string source = $"-s {NicFilterModel.Unspecified}/32";
                // Fragments carry no UDP header to check; a DHCP client never fragments.
                four.Add($"-A {main} {source} -m u32 --u32 4&0x3FFF=0x1:0x3FFF -j DROP");
                four.Add($"-A {main} {source} -p udp ! --dport 67 -j DROP");
                // The client hardware address (chaddr, 28 bytes into the BOOTP message) must be the NIC's own.
                byte[] bytes = MacBytes(mac);
                uint high = (uint)((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]);
                uint low = (uint)((bytes[4] << 8) | bytes[5]);
                four.Add($"-A {main} {source} -p udp -m u32 --u32 0>>22&0x3C@36={NotEqual(high, 0xFFFFFFFF)} -j DROP");
                four.Add($"-A {main} {source} -p udp -m u32 --u32 0>>22&0x3C@40>>16={NotEqual(low, 0xFFFF)} -j DROP");
                break;
            }
            default:
                break;
        }
    }

    /// <summary>u32 ranges meaning "anything but <paramref name="value"/>" within 0..<paramref name="max"/>.</summary>
    public static string NotEqual(uint value, uint max)
    {
        var ranges = new List<string>();
        if (value > 0)
        {
            ranges.Add($"0x0:0x{value - 1:X}");
        }
        if (value < max)
        {
            ranges.Add($"0x{value + 1:X}:0x{max:X}");
        }
        return string.Join(',', ranges);
    }

    /// <summary>u32 tests that the NA target (bytes 48-63) lies in <paramref name="prefix"/>.</summary>
    public static string TargetIn(string prefix)
    {
        string[] parts = prefix.Split('/');
        int length = parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 128;
        byte[] address = IPAddress.Parse(parts[0]).GetAddressBytes();
        var tests = new List<string>();
        for (int word = 0; word < 4 && length > word * 32; word++)
        {
            int bits = Math.Min(32, length - (word * 32));
            uint mask = bits == 32 ? 0xFFFFFFFF : ~(0xFFFFFFFF >> bits);
            uint value = (uint)((address[word * 4] << 24) | (address[(word * 4) + 1] << 16) | (address[(word * 4) + 2] << 8) | address[(word * 4) + 3]) & mask;
            int offset = 48 + (word * 4);
            tests.Add(mask == 0xFFFFFFFF ? $"{offset}=0x{value:X}" : $"{offset}&0x{mask:X}=0x{value:X}");
        }
        return string.Join("&&", tests);
    }

    private static byte[] MacBytes(string mac) => mac.Split(':').Select(b => Convert.ToByte(b, 16)).ToArray();
}
