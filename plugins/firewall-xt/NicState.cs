using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;
using static Incus.Plugins.FirewallXt.XtNicFilterRules;

namespace Incus.Plugins.FirewallXt;

/// <summary>What the three tables of the NIC filters hold of ours at one moment.</summary>
public sealed record NicState(XtTables Eb, XtTables Ip4Raw, XtTables Ip6Raw)
{
    public static async Task<NicState> ReadAsync(INetHelper helper, CancellationToken cancellationToken) => new(
        await XtTables.ReadAsync(helper, "ebtables", "filter", cancellationToken).ConfigureAwait(false),
        await XtTables.ReadAsync(helper, "iptables", "raw", cancellationToken).ConfigureAwait(false),
        await XtTables.ReadAsync(helper, "ip6tables", "raw", cancellationToken).ConfigureAwait(false));

    /// <summary>The state after <paramref name="batches"/> were applied, each to its own table.</summary>
    public NicState After(IEnumerable<XtablesBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var state = this;
        foreach (var batch in batches)
        {
            state = (batch.Tool, batch.Table) switch
            {
                ("ebtables", "filter") => state with { Eb = state.Eb.After(batch.Lines) },
                ("iptables", "raw") => state with { Ip4Raw = state.Ip4Raw.After(batch.Lines) },
                ("ip6tables", "raw") => state with { Ip6Raw = state.Ip6Raw.After(batch.Lines) },
                _ => throw new InvalidOperationException($"{batch.Tool} {batch.Table} is not a table of the NIC filters"),
            };
        }
        return state;
    }

    /// <summary>Whether any chain of that generation of the NIC exists.</summary>
    public bool Exists(string hostName, int generation) =>
        Eb.HasChain(EbChain(NicFilterHooks.Input, hostName, generation)) || Eb.HasChain(EbChain(NicFilterHooks.Forward, hostName, generation))
        || Ip4Raw.HasChain(RawChain(hostName, generation)) || Ip6Raw.HasChain(RawChain(hostName, generation));

    /// <summary>
    /// Whether the NIC's filter is fully reachable: the jumps from the built-in chains, every bucket
    /// on the NIC's path and the jump into it, the NIC's dispatch rules, and non-empty main chains (an
    /// external flush empties chains but keeps them).
    /// </summary>
    public bool Installed(string hostName)
    {
        if (!Eb.Has("INPUT", $"-j {XtFirewallDriver.EbInput}") || !Eb.Has("FORWARD", $"-j {XtFirewallDriver.EbForward}")
            || !Ip4Raw.Has("PREROUTING", $"-j {XtFirewallDriver.RawDispatch}") || !Ip6Raw.Has("PREROUTING", $"-j {XtFirewallDriver.RawDispatch}"))
        {
            return false;
        }
        return new[] { 0, 1 }.Any(g =>
        {
            string input = EbChain(NicFilterHooks.Input, hostName, g);
            string forward = EbChain(NicFilterHooks.Forward, hostName, g);
            string raw = RawChain(hostName, g);
            return Reaches(Eb, XtFirewallDriver.EbInput, XtFirewallDriver.EbInterface, hostName, input)
                && Reaches(Eb, XtFirewallDriver.EbForward, XtFirewallDriver.EbInterface, hostName, forward)
                && Eb.HasRules(input)
                && Reaches(Ip4Raw, XtFirewallDriver.RawDispatch, XtFirewallDriver.RawInterface, hostName, raw)
                && Reaches(Ip6Raw, XtFirewallDriver.RawDispatch, XtFirewallDriver.RawInterface, hostName, raw)
                && Ip6Raw.HasRules(raw);
        });
    }

    /// <summary>Whether a frame of <paramref name="hostName"/> entering <paramref name="dispatch"/> is sent on to <paramref name="chain"/>.</summary>
    private static bool Reaches(XtTables tables, string dispatch, string option, string hostName, string chain) =>
        XtDispatchTree.Path(dispatch, option, hostName).All(hop => tables.HasChain(hop.Child) && tables.Has(hop.Parent, hop.Rule))
        && tables.Has(XtDispatchTree.Leaf(dispatch, option, hostName), $"{option} {hostName} -j {chain}");
}
