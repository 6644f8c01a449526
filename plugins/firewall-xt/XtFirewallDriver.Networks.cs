using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;

namespace Incus.Plugins.FirewallXt;

/// <summary>
/// A bridge's network-level rules, the xtables equivalent of the nftables driver's: per bridge one
/// chain each for input, output and forward (filter) and postrouting (nat), reached from the
/// dispatch chains <c>INCUS-INPUT</c>, <c>INCUS-OUTPUT</c>, <c>INCUS-FORWARD</c> and <c>INCUS-POSTRT</c>.
/// </summary>
public sealed partial class XtFirewallDriver
{
    private static readonly (string Table, string BuiltIn, string Dispatch, string Kind)[] NetworkChains =
    [
        ("filter", "INPUT", "INCUS-INPUT", "in"),
        ("filter", "OUTPUT", "INCUS-OUTPUT", "out"),
        ("filter", "FORWARD", "INCUS-FORWARD", "fwd"),
        ("nat", "POSTROUTING", "INCUS-POSTRT", "pst"),
    ];

    public static string NetworkChain(string kind, string bridge) => $"INCUS-{kind}-{bridge}";

    public Task ApplyNetworkAsync(NetworkFirewallSpec network, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(helper);
        return Locked(async () =>
        {
            foreach (string tool in new[] { "iptables", "ip6tables" })
            {
                var rules = NetworkRules(network, tool);
                foreach (string table in new[] { "filter", "nat" })
                {
                    var tables = await XtTables.ReadAsync(helper, tool, table, cancellationToken).ConfigureAwait(false);
                    var lines = new List<string>();
                    foreach (var (_, builtIn, dispatch, kind) in NetworkChains.Where(c => c.Table == table))
                    {
                        string chain = NetworkChain(kind, network.Bridge);
                        var chainRules = rules.GetValueOrDefault(kind) ?? [];
                        if (chainRules.Count == 0)
                        {
                            lines.AddRange(RemoveNetworkChain(tables, dispatch, chain));
                            continue;
                        }
                        EnsureDispatch(tables, lines, builtIn, dispatch);
                        // Declaring an existing chain empties it; refilled in the same batch.
                        lines.Add($":{chain} -");
                        lines.AddRange(chainRules.Select(r => $"-A {chain} {r}"));
                        if (!tables.Has(dispatch, $"-j {chain}"))
                        {
                            lines.Add($"-A {dispatch} -j {chain}");
                        }
                    }
                    if (lines.Count > 0)
                    {
                        await helper.ApplyXtablesAsync(new XtablesBatch { Tool = tool, Table = table, Lines = lines }, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }, cancellationToken);
    }

    public Task ClearNetworkAsync(string bridge, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        return Locked(async () =>
        {
            foreach (string tool in new[] { "iptables", "ip6tables" })
            {
                foreach (string table in new[] { "filter", "nat" })
                {
                    var tables = await XtTables.ReadAsync(helper, tool, table, cancellationToken).ConfigureAwait(false);
                    var lines = NetworkChains.Where(c => c.Table == table)
                        .SelectMany(c => RemoveNetworkChain(tables, c.Dispatch, NetworkChain(c.Kind, bridge))).ToList();
                    if (lines.Count > 0)
                    {
                        await helper.ApplyXtablesAsync(new XtablesBatch { Tool = tool, Table = table, Lines = lines }, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }, cancellationToken);
    }

    private static List<string> RemoveNetworkChain(XtTables tables, string dispatch, string chain)
    {
        var lines = new List<string>();
        if (tables.Has(dispatch, $"-j {chain}"))
        {
            lines.Add($"-D {dispatch} -j {chain}");
        }
        if (tables.HasChain(chain))
        {
            lines.Add($"-F {chain}");
            lines.Add($"-X {chain}");
        }
        return lines;
    }

    /// <summary>The rules (without <c>-A chain</c>) of each of a bridge's chains for one tool, keyed by kind.</summary>
    public static Dictionary<string, List<string>> NetworkRules(NetworkFirewallSpec network, string tool)
    {
        ArgumentNullException.ThrowIfNull(network);
        string bridge = network.Bridge;
        string family = tool == "iptables" ? "ipv4" : "ipv6";
        var rules = new Dictionary<string, List<string>>(StringComparer.Ordinal) { ["in"] = [], ["out"] = [], ["fwd"] = [], ["pst"] = [] };
        foreach (var f in network.Families.Where(f => f.Family == family))
        {
            if (f.Nat)
            {
                rules["pst"].Add($"-s {f.Subnet} ! -d {f.Subnet} -j MASQUERADE");
            }
            string verdict = f.Routing ? "ACCEPT" : "REJECT";
            rules["fwd"].Add($"-i {bridge} -j {verdict}");
            rules["fwd"].Add($"-o {bridge} -j {verdict}");
        }
        // DNS from the bridge to the host, and its replies (both families, as nftables' inet table does).
        foreach (string transport in new[] { "tcp", "udp" })
        {
            rules["in"].Add($"-i {bridge} -p {transport} --dport 53 -j ACCEPT");
            rules["out"].Add($"-o {bridge} -p {transport} --sport 53 -j ACCEPT");
        }
        foreach (var f in network.Families.Where(f => f.Family == family && f.Dhcp))
        {
            if (family == "ipv4")
            {
                foreach (string type in new[] { "destination-unreachable", "time-exceeded", "parameter-problem" })
                {
                    rules["in"].Add($"-i {bridge} -p icmp --icmp-type {type} -j ACCEPT");
                    rules["out"].Add($"-o {bridge} -p icmp --icmp-type {type} -j ACCEPT");
                }
                rules["in"].Add($"-i {bridge} -p udp --dport 67 -j ACCEPT");
                rules["out"].Add($"-o {bridge} -p udp --sport 67 -j ACCEPT");
            }
            else
            {
                foreach (string type in new[] { "destination-unreachable", "packet-too-big", "time-exceeded", "parameter-problem",
                    "router-solicitation", "neighbour-solicitation", "neighbour-advertisement", "143" })
                {
                    rules["in"].Add($"-i {bridge} -p ipv6-icmp --icmpv6-type {type} -j ACCEPT");
                }
                foreach (string type in new[] { "destination-unreachable", "packet-too-big", "time-exceeded", "parameter-problem",
                    "echo-request", "router-advertisement", "neighbour-solicitation", "neighbour-advertisement", "143" })
                {
                    rules["out"].Add($"-o {bridge} -p ipv6-icmp --icmpv6-type {type} -j ACCEPT");
                }
                rules["in"].Add($"-i {bridge} -p udp --dport 547 -j ACCEPT");
                rules["out"].Add($"-o {bridge} -p udp --sport 547 -j ACCEPT");
            }
        }
        return rules;
    }
}
