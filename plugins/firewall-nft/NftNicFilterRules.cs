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
public static class NftNicFilterRules
{
    private const string NeighborAdvert = "nd-neighbor-advert";

    /// <summary>The expression lists (each one rule ending in drop) for one variant of a NIC's filter.</summary>
    public static IReadOnlyList<JsonNode[]> For(IReadOnlyList<NicFilterRule> model, NicFilterHooks hook)
    {
        ArgumentNullException.ThrowIfNull(model);
        var rules = new List<JsonNode[]>();
        foreach (var rule in NicFilterModel.For(model, hook))
        {
            foreach (var expressions in Translate(rule, hook))
            {
                rules.Add([.. expressions, Verdict("drop")]);
            }
        }
        return rules;
    }

    private static IEnumerable<JsonNode[]> Translate(NicFilterRule rule, NicFilterHooks hook)
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
                yield return [EtherType("ip6"), Na(), Match(Payload("ip6", "length"), Set(24, 32), "!=")];
                yield return [EtherType("ip6"), Na(), Match(Payload("ip6", "length"), 32), Match(Raw("nh", 512, 16), "0x0201", "!=")];
                break;
            case NicFilterRuleKind.NeighborAdvertLinkLayerNotMac:
                // Byte 66 = 40 (IPv6 header) + 24 (NA) + 2 (option type and length).
                yield return [EtherType("ip6"), Na(), Match(Payload("ip6", "length"), 32), Match(Raw("nh", 528, 48), "0x" + mac.Replace(":", "", StringComparison.Ordinal), "!=")];
                break;
            case NicFilterRuleKind.ArpSenderIpNotAllowed:
                yield return [EtherType("arp"), Match(Payload("arp", "saddr ip"), Addresses(rule.AddressesFor(hook)), "!=")];
                break;
            case NicFilterRuleKind.Ipv4SourceNotAllowed:
                yield return [EtherType("ip"), Match(Payload("ip", "saddr"), Addresses(rule.AddressesFor(hook)), "!=")];
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
                if (TargetTerms(rule.AddressesFor(hook)) is { } terms)
                {
                    yield return [EtherType("ip6"), Na(), .. terms];
                }
                break;
            case NicFilterRuleKind.Ipv6SourceNotAllowed:
                yield return [EtherType("ip6"), Match(Payload("ip6", "saddr"), Addresses(rule.AddressesFor(hook)), "!=")];
                break;
            case NicFilterRuleKind.RouterAdvertisement:
                yield return [EtherType("ip6"), Match(Payload("icmpv6", "type"), "nd-router-advert")];
                break;
            case NicFilterRuleKind.EthertypeNotAllowed:
                yield return [Match(Payload("ether", "type"), Set("arp", "ip", "ip6"), "!=")];
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
                yield return [EtherType("ip6"), LinkLocal(), Match(Payload("ip6", "daddr"), Set("ff02::2", "ff02::1:2"), "!=")];
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

    private static JsonObject EtherType(string type) => Match(Payload("ether", "type"), type);

    private static JsonObject Na() => Match(Payload("icmpv6", "type"), NeighborAdvert);

    private static JsonObject Addresses(IReadOnlyList<string> addresses) =>
        Set([.. addresses.Select(a => a.Contains('/', StringComparison.Ordinal) ? (JsonNode)Prefix(a) : JsonValue.Create(a))]);

    /// <summary>
    /// One term per allowed prefix: the NA's target address (bytes 48-63 of the IPv6 payload) does not
    /// start with it. The terms are ANDed, so the rule drops a target outside every allowed prefix.
    /// Null when a ::/0 makes every target allowed.
    /// </summary>
    private static JsonNode[]? TargetTerms(IReadOnlyList<string> addresses)
    {
        var terms = new List<JsonNode>();
        foreach (string address in addresses)
        {
            string[] parts = address.Split('/');
            int length = parts.Length == 2 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 128;
            if (length == 0)
            {
                return null;
            }
            var value = new BigInteger(IPAddress.Parse(parts[0]).GetAddressBytes(), isUnsigned: true, isBigEndian: true) >> (128 - length);
            terms.Add(Match(Raw("nh", 384, length), "0x" + value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(1, '0'), "!="));
        }
        return [.. terms];
    }
}
