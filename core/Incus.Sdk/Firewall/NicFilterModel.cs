using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Incus.Sdk.Firewall;

/// <summary>
/// The one model of a bridged NIC's filter that every firewall driver translates. Both the input
/// and the forward variant come from this list (a rule says which variants carry it), so they cannot
/// drift apart, and the order of the stages is fixed here rather than in each driver.
/// </summary>
public static class NicFilterModel
{
    /// <summary>The source DHCPv4 clients use before they have an address.</summary>
    public const string Unspecified = "0.0.0.0";

    /// <summary>Where Router Solicitations and DHCPv6 messages come from.</summary>
    public const string LinkLocal = "fe80::/10";

    /// <summary>The ordered drop rules for <paramref name="spec"/>; empty when no filter is on.</summary>
    public static IReadOnlyList<NicFilterRule> Build(NicFilterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Enabled)
        {
            return [];
        }
        string mac = CanonicalMac(spec.HwAddr);
        var v4 = spec.Ipv4Allowed?.Select(a => Canonical(a, AddressFamily.InterNetwork)).Distinct(StringComparer.Ordinal).ToList();
        var v6 = spec.Ipv6Allowed?.Select(a => Canonical(a, AddressFamily.InterNetworkV6)).Distinct(StringComparer.Ordinal).ToList();
        var rules = new List<NicFilterRule>();
        void Add(NicFilterStage stage, NicFilterRuleKind kind, NicFilterHooks hooks = NicFilterHooks.Both, IReadOnlyList<string>? addresses = null,
            IReadOnlyList<string>? inputOnly = null) =>
            rules.Add(new NicFilterRule { Stage = stage, Kind = kind, Hooks = hooks, Mac = mac, Addresses = addresses ?? [], InputOnlyAddresses = inputOnly ?? [] });

        // 1. MAC identity. Either IP filter implies it: an IP check is worthless when the MAC can lie.
        Add(NicFilterStage.MacIdentity, NicFilterRuleKind.EtherSourceNotMac);
        Add(NicFilterStage.MacIdentity, NicFilterRuleKind.ArpSenderMacNotMac);
        Add(NicFilterStage.MacIdentity, NicFilterRuleKind.NeighborAdvertUnexpectedLayout);
        Add(NicFilterStage.MacIdentity, NicFilterRuleKind.NeighborAdvertLinkLayerNotMac);

        // 2. IP identity, before anything else: the NA target check must not sit behind a source check
        //    that a packet from the instance's own allowed address would pass (LXD 5.0.2's hole).
        if (v4 is { Count: 0 })
        {
            Add(NicFilterStage.IpIdentity, NicFilterRuleKind.ArpBlocked);
            Add(NicFilterStage.IpIdentity, NicFilterRuleKind.Ipv4Blocked);
        }
        else if (v4 is not null)
        {
            Add(NicFilterStage.IpIdentity, NicFilterRuleKind.ArpSenderIpNotAllowed, addresses: v4);
            Add(NicFilterStage.IpIdentity, NicFilterRuleKind.Ipv4SourceNotAllowed, addresses: v4, inputOnly: [Unspecified]);
        }
        if (v6 is { Count: 0 })
        {
            Add(NicFilterStage.IpIdentity, NicFilterRuleKind.Ipv6Blocked);
        }
        else if (v6 is not null)
        {
            Add(NicFilterStage.IpIdentity, NicFilterRuleKind.NeighborAdvertTargetNotAllowed, addresses: v6);
            Add(NicFilterStage.IpIdentity, NicFilterRuleKind.Ipv6SourceNotAllowed, addresses: v6, inputOnly: [LinkLocal]);
        }

        // 3. An instance is never a router on the bridge.
        if (v6 is { Count: > 0 })
        {
            Add(NicFilterStage.RouterAdvertisement, NicFilterRuleKind.RouterAdvertisement);
        }

        // 4. With any IP filter on, only ARP, IPv4 and IPv6 frames, even when both families are blocked:
        //    tagged frames would otherwise carry IP past every check above.
        if (v4 is not null || v6 is not null)
        {
            Add(NicFilterStage.EthertypeAllowlist, NicFilterRuleKind.EthertypeNotAllowed);
        }

        // 5. The sources the input variant let through for services are cut down to those services.
        if (v4 is { Count: > 0 })
        {
            Add(NicFilterStage.ServiceExceptions, NicFilterRuleKind.UnspecifiedSourceNotDhcp, NicFilterHooks.Input);
        }
        if (v6 is { Count: > 0 })
        {
            Add(NicFilterStage.ServiceExceptions, NicFilterRuleKind.LinkLocalSourceNotSolicitationOrDhcpv6, NicFilterHooks.Input);
        }
        return rules;
    }

    /// <summary>The rules of one variant, in order.</summary>
    public static IReadOnlyList<NicFilterRule> For(IReadOnlyList<NicFilterRule> rules, NicFilterHooks hook)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.Where(r => r.Hooks.HasFlag(hook)).ToList();
    }

    /// <summary>A MAC as six lower-case colon-separated octets; throws for anything else.</summary>
    public static string CanonicalMac(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != 17 || !PhysicalAddress.TryParse(value, out var mac))
        {
            throw new ArgumentException($"\"{value}\" is not a MAC address", nameof(value));
        }
        return string.Join(':', mac.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// An address (kept as is) or a prefix (reduced to its network address) of one family, re-serialised;
    /// throws for anything else.
    /// </summary>
    public static string Canonical(string value, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(value);
        string text = value;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string addressPart = slash < 0 ? text : text[..slash];
        if (addressPart.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(addressPart, out var address) || address.AddressFamily != family)
        {
            throw new ArgumentException($"\"{value}\" is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address or prefix", nameof(value));
        }
        int bits = family == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            return address.ToString();
        }
        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int prefix) || prefix > bits)
        {
            throw new ArgumentException($"\"{value}\" has no valid prefix length", nameof(value));
        }
        if (prefix == bits)
        {
            return address.ToString();
        }
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bits; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return $"{new IPAddress(bytes)}/{prefix.ToString(CultureInfo.InvariantCulture)}";
    }
}
