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
        Eb.Chains.Contains(EbChain(NicFilterHooks.Input, hostName, generation)) || Eb.Chains.Contains(EbChain(NicFilterHooks.Forward, hostName, generation))
        || Ip4Raw.Chains.Contains(RawChain(hostName, generation)) || Ip6Raw.Chains.Contains(RawChain(hostName, generation));

    /// <summary>
    /// Whether the NIC's filter is fully reachable: the jumps from the built-in chains, the NIC's
    /// dispatch rules, and non-empty ebtables chains (an external flush empties chains but keeps them).
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
            string physdev = $"-m physdev --physdev-in {hostName} -j {raw}";
            return Eb.Has(XtFirewallDriver.EbInput, $"-i {hostName} -j {input}") && Eb.Has(XtFirewallDriver.EbForward, $"-i {hostName} -j {forward}")
                && Eb.Lines.Any(l => l.StartsWith($"-A {input} ", StringComparison.Ordinal))
                && Ip4Raw.Has(XtFirewallDriver.RawDispatch, physdev) && Ip6Raw.Has(XtFirewallDriver.RawDispatch, physdev)
                && Ip6Raw.Lines.Any(l => l.StartsWith($"-A {raw} ", StringComparison.Ordinal));
        });
    }
}
