using System.Text.Json.Nodes;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;
using static Incus.Plugins.FirewallNft.NftJson;

namespace Incus.Plugins.FirewallNft;

/// <summary>
/// The nftables firewall: everything lives in table <c>inet incus</c>, and each change is one
/// <c>nft -j -f -</c> transaction, so a bridge is never seen half-configured.
/// </summary>
public sealed partial class NftFirewallDriver : IFirewallDriver
{
    private static readonly string[] NetworkChains = ["pstrt", "fwd", "in", "out"];

    public string Name => "nftables";

    public string Version => "1";

    public int AutoPriority => 0;

    public async Task<bool> ProbeAsync(INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        var probe = ChainRef("probe");
        await helper.ApplyNftablesAsync(new NftablesBatch
        {
            Json = Document([AddTable(), Command("add", "chain", probe), Command("delete", "chain", ChainRef("probe"))]),
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public Task ApplyNetworkAsync(NetworkFirewallSpec network, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(helper);
        return helper.ApplyNftablesAsync(new NftablesBatch { Json = Document(NetworkCommands(network)) }, cancellationToken);
    }

    public Task ClearNetworkAsync(string bridge, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        var commands = new List<JsonObject> { AddTable() };
        foreach (string chain in NetworkChains)
        {
            commands.AddRange(Remove(ChainSpec(chain, bridge)));
        }
        return helper.ApplyNftablesAsync(new NftablesBatch { Json = Document(commands) }, cancellationToken);
    }

    /// <summary>The whole network-level rule set of one bridge, replacing what was there before.</summary>
    public static List<JsonObject> NetworkCommands(NetworkFirewallSpec network)
    {
        string bridge = network.Bridge;
        var commands = new List<JsonObject> { AddTable() };
        var nat = network.Families.Where(f => f.Nat).ToList();
        // Each chain is declared, flushed and refilled in the same transaction: no moment without rules.
        if (nat.Count > 0)
        {
            commands.AddRange(Fresh(ChainSpec("pstrt", bridge)));
            foreach (var family in nat)
            {
                string protocol = family.Family == "ipv4" ? "ip" : "ip6";
                commands.Add(Rule(ChainName("pstrt", bridge),
                    Match(Payload(protocol, "saddr"), Prefix(family.Subnet)),
                    Match(Payload(protocol, "daddr"), Prefix(family.Subnet), "!="),
                    Verdict("masquerade")));
            }
        }
        else
        {
            commands.AddRange(Remove(ChainSpec("pstrt", bridge)));
        }

        commands.AddRange(Fresh(ChainSpec("fwd", bridge)));
        commands.AddRange(Fresh(ChainSpec("in", bridge)));
        commands.AddRange(Fresh(ChainSpec("out", bridge)));
        foreach (var family in network.Families)
        {
            string nfproto = family.Family;
            string verdict = family.Routing ? "accept" : "reject";
            commands.Add(Rule(ChainName("fwd", bridge), Match(Meta("nfproto"), nfproto), Match(Meta("iifname"), bridge), Verdict(verdict)));
            commands.Add(Rule(ChainName("fwd", bridge), Match(Meta("nfproto"), nfproto), Match(Meta("oifname"), bridge), Verdict(verdict)));
        }
        // DNS from the bridge to the host, and its replies.
        foreach (string transport in new[] { "tcp", "udp" })
        {
            commands.Add(Rule(ChainName("in", bridge), Match(Meta("iifname"), bridge), Match(Payload(transport, "dport"), 53), Verdict("accept")));
            commands.Add(Rule(ChainName("out", bridge), Match(Meta("oifname"), bridge), Match(Payload(transport, "sport"), 53), Verdict("accept")));
        }
        foreach (var family in network.Families.Where(f => f.Dhcp))
        {
            if (family.Family == "ipv4")
            {
                var icmp = Set("destination-unreachable", "time-exceeded", "parameter-problem");
                commands.Add(Rule(ChainName("in", bridge), Match(Meta("iifname"), bridge), Match(Payload("icmp", "type"), icmp), Verdict("accept")));
                commands.Add(Rule(ChainName("in", bridge), Match(Meta("iifname"), bridge), Match(Payload("udp", "dport"), 67), Verdict("accept")));
                commands.Add(Rule(ChainName("out", bridge), Match(Meta("oifname"), bridge), Match(Payload("icmp", "type"), icmp.DeepClone()), Verdict("accept")));
                commands.Add(Rule(ChainName("out", bridge), Match(Meta("oifname"), bridge), Match(Payload("udp", "sport"), 67), Verdict("accept")));
            }
            else
            {
                var inbound = Set("destination-unreachable", "packet-too-big", "time-exceeded", "parameter-problem",
                    "nd-router-solicit", "nd-neighbor-solicit", "nd-neighbor-advert", "mld2-listener-report");
                var outbound = Set("destination-unreachable", "packet-too-big", "time-exceeded", "parameter-problem",
                    "echo-request", "nd-router-advert", "nd-neighbor-solicit", "nd-neighbor-advert", "mld2-listener-report");
                commands.Add(Rule(ChainName("in", bridge), Match(Meta("iifname"), bridge), Match(Payload("icmpv6", "type"), inbound), Verdict("accept")));
                commands.Add(Rule(ChainName("in", bridge), Match(Meta("iifname"), bridge), Match(Payload("udp", "dport"), 547), Verdict("accept")));
                commands.Add(Rule(ChainName("out", bridge), Match(Meta("oifname"), bridge), Match(Payload("icmpv6", "type"), outbound), Verdict("accept")));
                commands.Add(Rule(ChainName("out", bridge), Match(Meta("oifname"), bridge), Match(Payload("udp", "sport"), 547), Verdict("accept")));
            }
        }
        return commands;
    }

    private static string ChainName(string chain, string bridge) => $"{chain}.{bridge}";

    private static JsonObject ChainSpec(string chain, string bridge) => chain switch
    {
        "pstrt" => BaseChain(ChainName(chain, bridge), "nat", "postrouting", 100),
        "fwd" => BaseChain(ChainName(chain, bridge), "filter", "forward", 0),
        "in" => BaseChain(ChainName(chain, bridge), "filter", "input", 0),
        "out" => BaseChain(ChainName(chain, bridge), "filter", "output", 0),
        _ => throw new ArgumentOutOfRangeException(nameof(chain)),
    };

    /// <summary>Declare (a no-op when it exists) and empty a chain.</summary>
    private static IEnumerable<JsonObject> Fresh(JsonObject spec)
    {
        yield return Command("add", "chain", spec);
        yield return Command("flush", "chain", ChainRef(spec["name"]!.GetValue<string>()));
    }

    /// <summary>Remove a chain whether or not it exists: declare it, empty it, delete it.</summary>
    private static IEnumerable<JsonObject> Remove(JsonObject spec)
    {
        foreach (var command in Fresh(spec))
        {
            yield return command;
        }
        yield return Command("delete", "chain", ChainRef(spec["name"]!.GetValue<string>()));
    }
}
