using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;
using static Incus.Plugins.FirewallXt.XtNicFilterRules;

namespace Incus.Plugins.FirewallXt;

/// <summary>
/// Bridged NIC filters: ebtables INPUT and FORWARD each jump once into <c>INCUS-IN</c> and
/// <c>INCUS-FWD</c>, which send a NIC's frames (<c>-i</c>) through the buckets of
/// <see cref="XtDispatchTree"/> to its own chain; the raw PREROUTING tables of iptables and ip6tables
/// do the same through <c>INCUS-PRE</c> with <c>--physdev-in</c>.
/// A NIC's chains carry a generation (0 or 1): a change builds the other generation, repoints the
/// dispatch rule and deletes the old chains in the same batch, which the kernel applies at once.
/// </summary>
public sealed partial class XtFirewallDriver
{
    public const string EbInput = "INCUS-IN";
    public const string EbForward = "INCUS-FWD";
    public const string RawDispatch = "INCUS-PRE";

    public Task ApplyNicFilterAsync(NicFilterSpec nic, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nic);
        ArgumentNullException.ThrowIfNull(helper);
        if (!nic.Enabled)
        {
            return ClearNicFilterAsync(nic.HostName, helper, cancellationToken);
        }
        return ChangeNicFiltersAsync(helper, state =>
        {
            int generation = state.Exists(nic.HostName, 0) && !state.Exists(nic.HostName, 1) ? 1 : 0;
            return ApplyBatches(nic, generation, state);
        }, cancellationToken);
    }

    public Task ClearNicFilterAsync(string hostName, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        return ChangeNicFiltersAsync(helper, state => ClearBatches(hostName, state), cancellationToken);
    }

    public async Task<IReadOnlyList<string>> MissingNicFiltersAsync(IReadOnlyCollection<string> expected, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(helper);
        if (expected.Count == 0)
        {
            return [];
        }
        var state = await Locked(async () =>
        {
            // A drift check reads what the kernel has, and later changes start from that.
            _known = await NicState.ReadAsync(helper, cancellationToken).ConfigureAwait(false);
            return _known;
        }, cancellationToken).ConfigureAwait(false);
        return expected.Where(h => !state.Installed(h)).ToList();
    }

    /// <summary>
    /// Applies the batches <paramref name="plan"/> makes from the known state of the tables, and keeps
    /// the state they leave. The known state is read once and then followed through this driver's own
    /// changes (it is the only writer of its chains); when a batch fails, which is what a change made
    /// behind its back leads to, the tables are read again and the change is planned once more.
    /// </summary>
    private Task ChangeNicFiltersAsync(INetHelper helper, Func<NicState, List<XtablesBatch>> plan, CancellationToken cancellationToken) =>
        Locked(async () =>
        {
            bool fresh = _known is null;
            var state = _known ?? await NicState.ReadAsync(helper, cancellationToken).ConfigureAwait(false);
            _known = null;
            try
            {
                _known = await ApplyAllAsync(helper, state, plan(state), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!fresh && ex is not OperationCanceledException)
            {
                // Planned from a state the driver followed rather than read: plan again from the
                // kernel's. A second failure is the caller's to see.
                state = await NicState.ReadAsync(helper, cancellationToken).ConfigureAwait(false);
                _known = await ApplyAllAsync(helper, state, plan(state), cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);

    private static async Task<NicState> ApplyAllAsync(INetHelper helper, NicState state, List<XtablesBatch> batches, CancellationToken cancellationToken)
    {
        foreach (var batch in batches)
        {
            await helper.ApplyXtablesAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        return state.After(batches);
    }

    /// <summary>How the ebtables dispatch rules name the NIC's interface.</summary>
    public const string EbInterface = "-i";

    /// <summary>How the raw dispatch rules name it: the bridge port the frame came in on.</summary>
    public const string RawInterface = "-m physdev --physdev-in";

    /// <summary>The batches (raw tables first, ebtables last) that install or replace one NIC's filter.</summary>
    public static List<XtablesBatch> ApplyBatches(NicFilterSpec nic, int generation, NicState state)
    {
        ArgumentNullException.ThrowIfNull(nic);
        ArgumentNullException.ThrowIfNull(state);
        string host = nic.HostName;
        var chains = Build(nic, generation);
        var batches = new List<XtablesBatch>();
        foreach (var (tables, wanted) in new[] { (state.Ip6Raw, chains.Ip6tables), (state.Ip4Raw, chains.Iptables) })
        {
            var lines = new List<string>();
            EnsureDispatch(tables, lines, "PREROUTING", RawDispatch);
            Replace(tables, lines, wanted, host, RawDispatch, RawInterface, RawChain(host, generation), g => RawChain(host, g));
            batches.Add(new XtablesBatch { Tool = tables.Tool, Table = "raw", Lines = lines });
        }
        var eb = new List<string>();
        EnsureDispatch(state.Eb, eb, "INPUT", EbInput);
        EnsureDispatch(state.Eb, eb, "FORWARD", EbForward);
        // Both variants in one batch, each swapped like the raw chains.
        var ebRules = new List<string>();
        foreach (var (hook, dispatch) in new[] { (NicFilterHooks.Input, EbInput), (NicFilterHooks.Forward, EbForward) })
        {
            string main = EbChain(hook, host, generation);
            var variant = chains.Ebtables.Where(c => c.Key.StartsWith(main, StringComparison.Ordinal)).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
            var lines = new List<string>();
            Replace(state.Eb, lines, variant, host, dispatch, EbInterface, main, g => EbChain(hook, host, g), deleteOld: false);
            ebRules.AddRange(lines);
        }
        eb.AddRange(ebRules);
        eb.AddRange(DeleteChains(OwnedChains(state.Eb, host).Where(c => !chains.Ebtables.ContainsKey(c)).ToList()));
        batches.Add(new XtablesBatch { Tool = "ebtables", Table = "filter", Lines = eb });
        return batches;
    }

    /// <summary>
    /// The batches that remove one NIC's chains and dispatch rules, and the bucket chains this leaves
    /// empty; none when nothing is there.
    /// </summary>
    public static List<XtablesBatch> ClearBatches(string hostName, NicState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var batches = new List<XtablesBatch>();
        foreach (var (tables, dispatches) in new[]
        {
            (state.Eb, new[] { (EbInput, EbInterface, (Func<int, string>)(g => EbChain(NicFilterHooks.Input, hostName, g))),
                (EbForward, EbInterface, g => EbChain(NicFilterHooks.Forward, hostName, g)) }),
            (state.Ip6Raw, new[] { (RawDispatch, RawInterface, (Func<int, string>)(g => RawChain(hostName, g))) }),
            (state.Ip4Raw, new[] { (RawDispatch, RawInterface, (Func<int, string>)(g => RawChain(hostName, g))) }),
        })
        {
            var lines = new List<string>();
            foreach (var (dispatch, option, chain) in dispatches)
            {
                lines.AddRange(DispatchRemovals(tables, dispatch, option, hostName, chain));
            }
            lines.AddRange(DeleteChains(OwnedChains(tables, hostName).ToList()));
            foreach (var (dispatch, option, _) in dispatches)
            {
                lines.AddRange(PruneBuckets(tables.After(lines), XtDispatchTree.Path(dispatch, option, hostName)));
            }
            if (lines.Count > 0)
            {
                batches.Add(new XtablesBatch { Tool = tables.Tool, Table = tables.Table, Lines = lines });
            }
        }
        return batches;
    }

    /// <summary>
    /// Declares and fills the new generation's chains, moves the NIC's dispatch rule to the new main
    /// chain and (unless the caller does it) deletes the chains of the NIC that are not part of it.
    /// </summary>
    private static void Replace(XtTables tables, List<string> lines, Dictionary<string, List<string>> wanted, string host, string dispatch, string option,
        string main, Func<int, string> chainOfGeneration, bool deleteOld = true)
    {
        string policy = tables.Tool == "ebtables" ? "RETURN" : "-";
        lines.AddRange(EnsurePath(tables, XtDispatchTree.Path(dispatch, option, host), policy));
        lines.AddRange(wanted.Keys.Select(c => $":{c} {policy}"));
        lines.AddRange(wanted.Values.SelectMany(rules => rules));
        lines.AddRange(DispatchRemovals(tables, dispatch, option, host, chainOfGeneration));
        lines.Add($"-A {XtDispatchTree.Leaf(dispatch, option, host)} {option} {host} -j {main}");
        if (deleteOld)
        {
            lines.AddRange(DeleteChains(OwnedChains(tables, host).Where(c => !wanted.ContainsKey(c)).ToList()));
        }
    }

    /// <summary>
    /// Declares the bucket chains on the NIC's path that are missing and adds the jumps into them that
    /// are missing. An existing chain is never declared again: restore would empty it, and with it the
    /// other NICs' dispatch rules.
    /// </summary>
    private static IEnumerable<string> EnsurePath(XtTables tables, IReadOnlyList<XtDispatchTree.Hop> path, string policy)
    {
        foreach (var hop in path)
        {
            if (!tables.HasChain(hop.Child))
            {
                yield return $":{hop.Child} {policy}";
            }
            if (!tables.Has(hop.Parent, hop.Rule))
            {
                yield return $"-A {hop.Parent} {hop.Rule}";
            }
        }
    }

    /// <summary>
    /// Deletes of the dispatch rules into either generation that the model shows: in the NIC's bucket,
    /// and directly in the dispatch chain, where drivers before the tree put them, so that a filter
    /// installed by one of those is moved, not left behind.
    /// </summary>
    private static IEnumerable<string> DispatchRemovals(XtTables tables, string dispatch, string option, string host, Func<int, string> chainOfGeneration)
    {
        string leaf = XtDispatchTree.Leaf(dispatch, option, host);
        foreach (string location in leaf == dispatch ? [dispatch] : new[] { leaf, dispatch })
        {
            foreach (string chain in new[] { 0, 1 }.Select(chainOfGeneration))
            {
                string rule = $"{option} {host} -j {chain}";
                if (tables.Has(location, rule))
                {
                    yield return $"-D {location} {rule}";
                }
            }
        }
    }

    /// <summary>
    /// Removes the buckets on the path, deepest first, that <paramref name="after"/> (the table once the
    /// NIC is gone) shows empty, with the jumps into them: an idle bucket would still cost every frame
    /// a rule. A bucket the kernel holds rules in that the model misses makes <c>-X</c> fail, and the
    /// whole batch with it, which sends the driver back to a fresh listing.
    /// </summary>
    private static List<string> PruneBuckets(XtTables after, IReadOnlyList<XtDispatchTree.Hop> path)
    {
        var lines = new List<string>();
        foreach (var hop in path.Reverse())
        {
            if (!after.HasChain(hop.Child) || after.HasRules(hop.Child))
            {
                break;
            }
            var step = new List<string>();
            if (after.Has(hop.Parent, hop.Rule))
            {
                step.Add($"-D {hop.Parent} {hop.Rule}");
            }
            step.Add($"-X {hop.Child}");
            lines.AddRange(step);
            after = after.After(step);
        }
        return lines;
    }

    /// <summary>Empties, then deletes: a chain must be empty, and unreferenced, before it can go.</summary>
    private static IEnumerable<string> DeleteChains(IReadOnlyList<string> chains) =>
        [.. chains.Select(c => $"-F {c}"), .. chains.Select(c => $"-X {c}")];

    /// <summary>What may follow the generation in a NIC's chain name: nothing (main chain) or one sub-chain letter or digit.</summary>
    private static readonly string[] SubChainSuffixes = ["", .. "abcdefghijklmnopqrstuvwxyz0123456789".Select(c => c.ToString())];

    /// <summary>
    /// The NIC's chains that exist in <paramref name="tables"/>: every name <see cref="Owns"/> accepts,
    /// looked up, rather than <see cref="Owns"/> asked of each of the ten thousand chains a thousand NICs have.
    /// </summary>
    public static IEnumerable<string> OwnedChains(XtTables tables, string hostName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        foreach (char kind in "IFP")
        {
            foreach (char generation in "01")
            {
                foreach (string suffix in SubChainSuffixes)
                {
                    string chain = $"INCUS-{kind}-{hostName}-{generation}{suffix}";
                    if (tables.HasChain(chain))
                    {
                        yield return chain;
                    }
                }
            }
        }
    }

    /// <summary>Whether <paramref name="chain"/> is one of the NIC's chains (any generation, main or sub-chain).</summary>
    public static bool Owns(string chain, string hostName)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(hostName);
        // Called for every chain of a table on each change: compared in place, without building prefixes.
        const string head = "INCUS-";
        if (chain.Length < head.Length + 2 + hostName.Length + 2 || !chain.StartsWith(head, StringComparison.Ordinal)
            || chain[head.Length] is not ('I' or 'F' or 'P') || chain[head.Length + 1] != '-')
        {
            return false;
        }
        var rest = chain.AsSpan(head.Length + 2);
        if (!rest.StartsWith(hostName, StringComparison.Ordinal) || rest[hostName.Length] != '-')
        {
            return false;
        }
        rest = rest[(hostName.Length + 1)..];
        return rest.Length is 1 or 2 && rest[0] is '0' or '1' && (rest.Length == 1 || char.IsAsciiLetterLower(rest[1]) || char.IsAsciiDigit(rest[1]));
    }
}
