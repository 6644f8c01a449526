using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using Incus.Sdk.Firewall;
using static Incus.Plugins.FirewallNft.NftBridgeJson;
using static Incus.Plugins.FirewallNft.NftJson;

namespace Incus.Plugins.FirewallNft;

/// <summary>
/// Translates the firewall-neutral <see cref="NicFilterModel"/> into nftables expressions for the
/// bridge family. One model rule may need several nft rules (nft cannot say "unless A and B and C"
/// in one drop), but every nft rule drops, so none of them can let a frame skip a later check.
/// </summary>
/// <remarks>
/// No rule uses an anonymous set: every one of them is a kernel object that nft dumps, with the rest of
/// the ruleset, before each change, so with a few per NIC a change cost 0.3 s at 1000 filtered NICs.
/// "Not one of these" is instead a conjunction of <c>!=</c> terms in the rule, and a long allowlist
/// (more than <see cref="InlineLimit"/> entries) moves into a sub-chain of the NIC that returns for
/// each allowed entry and drops at its end.
/// </remarks>
public static class NftNicFilterRules
{
    private const string NeighborAdvert = "nd-neighbor-advert";

    /// <summary>
    /// The most allowlist entries written inline. Each costs at most three kernel expressions and the
    /// kernel takes 128 per rule; past this, a sub-chain is cheaper per frame as well.
    /// </summary>
    public const int InlineLimit = 16;

    /// <summary>The suffixes of the sub-chains a NIC chain may have, one per allowlist it may spill.</summary>
    public static readonly IReadOnlyList<string> SubChainSuffixes = ["arp4", "src4", "na6", "src6"];

    /// <summary>
    /// The rules of one variant of a NIC's filter, in order, each with the chain it belongs to:
    /// <paramref name="chain"/> itself, or one of its sub-chains (<c>chain.suffix</c>). Rules of the
    /// main chain all end in drop or in a jump to a sub-chain that ends in drop.
    /// </summary>
    public static IReadOnlyList<(string Chain, JsonNode[] Expressions)> For(IReadOnlyList<NicFilterRule> model, NicFilterHooks hook, string chain)
    {
        ArgumentNullException.ThrowIfNull(model);
        var rules = new List<(string, JsonNode[])>();
        foreach (var rule in NicFilterModel.For(model, hook))
        {
            foreach (var expressions in Translate(rule, hook, chain, rules))
            {
                // A jump into a sub-chain is the verdict already: that chain drops what it does not return.
                rules.Add((chain, expressions[^1] is JsonObject last && last.ContainsKey("jump") ? expressions : [.. expressions, Verdict("drop")]));
            }
        }
        return rules;
    }

    private static IEnumerable<JsonNode[]> Translate(NicFilterRule rule, NicFilterHooks hook, string chain, List<(string, JsonNode[])> rules)
    {
        string mac = rule.Mac ?? "";
        switch (rule.Kind)
        {
            case NicFilterRuleKind.EtherSourceNotMac:
                yield return [Match(Payload("ether", "saddr"), mac, "!=")];
                break;
            case NicFilterRuleKind.ArpSenderMacNotMac:
                yield return [EtherType("arp"), Match(Payload("arp", "saddr ether"), mac, "!=")];
                break;
            case NicFilterRuleKind.NeighborAdvertUnexpectedLayout:
                // The link-layer and target checks read fixed offsets; an extension header or an extra
                // option in front would move what they read, so such NAs are not let through at all.
                yield return [EtherType("ip6"), Na(), Match(Payload("ip6", "nexthdr"), "ipv6-icmp", "!=")];
                yield return [EtherType("ip6"), Na(), .. NoneOf(Payload("ip6", "length"), 24, 32)];
                yield return [EtherType("ip6"), Na(), Match(Payload("ip6", "length"), 32), Match(Raw("nh", 512, 16), "0x0201", "!=")];
                break;
            case NicFilterRuleKind.NeighborAdvertLinkLayerNotMac:
                // Byte 66 = 40 (IPv6 header) + 24 (NA) + 2 (option type and length).
                yield return [EtherType("ip6"), Na(), Match(Payload("ip6", "length"), 32), Match(Raw("nh", 528, 48), "0x" + mac.Replace(":", "", StringComparison.Ordinal), "!=")];
                break;
            case NicFilterRuleKind.ArpSenderIpNotAllowed:
                yield return Allowlist(chain, "arp4", [EtherType("arp")], Addresses(Payload("arp", "saddr ip"), rule.AddressesFor(hook)), rules);
                break;
            case NicFilterRuleKind.Ipv4SourceNotAllowed:
                yield return Allowlist(chain, "src4", [EtherType("ip")], Addresses(Payload("ip", "saddr"), rule.AddressesFor(hook)), rules);
                break;
            case NicFilterRuleKind.ArpBlocked:
                yield return [EtherType("arp")];
                break;
            case NicFilterRuleKind.Ipv4Blocked:
                yield return [EtherType("ip")];
                break;
            case NicFilterRuleKind.Ipv6Blocked:
                yield return [EtherType("ip6")];
                break;
            case NicFilterRuleKind.NeighborAdvertTargetNotAllowed:
                if (TargetPrefixes(rule.AddressesFor(hook)) is { } targets)
                {
                    yield return Allowlist(chain, "na6", [EtherType("ip6"), Na()], targets, rules);
                }
                break;
            case NicFilterRuleKind.Ipv6SourceNotAllowed:
                yield return Allowlist(chain, "src6", [EtherType("ip6")], Addresses(Payload("ip6", "saddr"), rule.AddressesFor(hook)), rules);
                break;
            case NicFilterRuleKind.RouterAdvertisement:
                yield return [EtherType("ip6"), Match(Payload("icmpv6", "type"), "nd-router-advert")];
                break;
            case NicFilterRuleKind.EthertypeNotAllowed:
                yield return [.. NoneOf(Payload("ether", "type"), "arp", "ip", "ip6")];
                break;
            case NicFilterRuleKind.UnspecifiedSourceNotDhcp:
            {
                JsonNode Unspecified() => Match(Payload("ip", "saddr"), NicFilterModel.Unspecified);
                yield return [EtherType("ip"), Unspecified(), Match(Payload("ip", "daddr"), "255.255.255.255", "!=")];
                // Fragments carry no UDP header to check; a DHCP client never fragments.
                yield return [EtherType("ip"), Unspecified(), Match(new JsonObject { ["&"] = new JsonArray(Payload("ip", "frag-off"), 0x3fff) }, 0, "!=")];
                yield return [EtherType("ip"), Unspecified(), Match(Payload("ip", "protocol"), "udp", "!=")];
                yield return [EtherType("ip"), Unspecified(), Match(Payload("udp", "dport"), 67, "!=")];
                // The client hardware address (chaddr, UDP payload byte 28) must be the NIC's own, so a
                // forged one cannot drain the pool.
                yield return [EtherType("ip"), Unspecified(), Match(Raw("th", 288, 48), "0x" + mac.Replace(":", "", StringComparison.Ordinal), "!=")];
                break;
            }
            case NicFilterRuleKind.LinkLocalSourceNotSolicitationOrDhcpv6:
            {
                JsonNode LinkLocal() => Match(Payload("ip6", "saddr"), Prefix(NicFilterModel.LinkLocal));
                yield return [EtherType("ip6"), LinkLocal(), .. NoneOf(Payload("ip6", "daddr"), "ff02::2", "ff02::1:2")];
                yield return [EtherType("ip6"), LinkLocal(), Match(Payload("ip6", "daddr"), "ff02::2"), Match(Payload("ip6", "nexthdr"), "ipv6-icmp", "!=")];
                yield return [EtherType("ip6"), LinkLocal(), Match(Payload("ip6", "daddr"), "ff02::2"), Match(Payload("icmpv6", "type"), "nd-router-solicit", "!=")];
                yield return [EtherType("ip6"), LinkLocal(), Match(Payload("ip6", "daddr"), "ff02::1:2"), Match(Payload("ip6", "nexthdr"), "udp", "!=")];
                yield return [EtherType("ip6"), LinkLocal(), Match(Payload("ip6", "daddr"), "ff02::1:2"), Match(Payload("udp", "dport"), 547, "!=")];
                break;
            }
            default:
                throw new NotSupportedException($"nftables has no translation for {rule.Kind}");
        }
    }

    /// <summary>
    /// "Drop unless one of <paramref name="allowed"/> matches": inline as ANDed
    /// <c>!=</c> terms, or, for a long list, a jump into the sub-chain <c>chain.suffix</c>, which returns
    /// on each allowed entry and drops the rest.
    /// </summary>
    private static JsonNode[] Allowlist(string chain, string suffix, JsonNode[] guard, IReadOnlyList<(JsonNode Left, JsonNode Right)> allowed,
        List<(string, JsonNode[])> rules)
    {
        if (allowed.Count <= InlineLimit)
        {
            return [.. guard, .. allowed.Select(a => Match(a.Left, a.Right, "!="))];
        }
        string subChain = $"{chain}.{suffix}";
        rules.AddRange(allowed.Select(a => (subChain, new JsonNode[] { Match(a.Left, a.Right), Verdict("return") })));
        rules.Add((subChain, [Verdict("drop")]));
        return [.. guard, new JsonObject { ["jump"] = new JsonObject { ["target"] = subChain } }];
    }

    /// <summary>ANDed <c>!=</c> terms: true when the field is none of the values.</summary>
    private static IEnumerable<JsonNode> NoneOf(JsonObject field, params JsonNode[] values) =>
        values.Select((value, i) => Match(i == 0 ? field : (JsonObject)field.DeepClone(), value, "!="));

    private static JsonObject EtherType(string type) => Match(Payload("ether", "type"), type);

    private static JsonObject Na() => Match(Payload("icmpv6", "type"), NeighborAdvert);

    private static List<(JsonNode, JsonNode)> Addresses(JsonObject field, IReadOnlyList<string> addresses) =>
        addresses.Select((a, i) => ((JsonNode)(i == 0 ? field : field.DeepClone()),
            a.Contains('/', StringComparison.Ordinal) ? (JsonNode)Prefix(a) : JsonValue.Create(a))).ToList();

    /// <summary>
    /// Per allowed prefix, the NA's target address (bytes 48-63 of the IPv6 payload) as a raw field of
    /// the prefix's length and the prefix's bits. Null when a ::/0 makes every target allowed.
    /// </summary>
    private static List<(JsonNode, JsonNode)>? TargetPrefixes(IReadOnlyList<string> addresses)
    {
        var terms = new List<(JsonNode, JsonNode)>();
        foreach (string address in addresses)
        {
            string[] parts = address.Split('/');
            int length = parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 128;
            if (length == 0)
            {
                return null;
            }
            var value = new BigInteger(IPAddress.Parse(parts[0]).GetAddressBytes(), isUnsigned: true, isBigEndian: true) >> (128 - length);
            terms.Add((Raw("nh", 384, length), "0x" + value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(1, '0')));
        }
        return terms;
    }
}
