using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;

namespace Incus.Plugins.FirewallXt;

/// <summary>
/// The xtables firewall (iptables, ip6tables, ebtables; the nft-backed variants on current hosts).
/// Everything lives in chains named <c>INCUS…</c> with one jump from each built-in chain used; every
/// change is a <c>-restore --noflush</c> batch per table, which the kernel applies as one transaction,
/// and removal deletes whole chains of ours, never rules found by reading listings.
/// </summary>
public sealed partial class XtFirewallDriver : IFirewallDriver
{
    /// <summary>Listing and batch of one change must not interleave with another change's.</summary>
    private readonly SemaphoreSlim _changes = new(1, 1);

    public string Name => "xtables";

    public string Version => "1";

    public int AutoPriority => 10;

    /// <summary>Every tool and table this driver may touch, for probing and clean-up.</summary>
    public static readonly (string Tool, string Table)[] AllTables =
    [
        ("ebtables", "filter"), ("iptables", "raw"), ("ip6tables", "raw"),
        ("iptables", "filter"), ("ip6tables", "filter"), ("iptables", "nat"), ("ip6tables", "nat"),
    ];

    public async Task<bool> ProbeAsync(INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        foreach (var (tool, table) in AllTables)
        {
            string policy = tool == "ebtables" ? "RETURN" : "-";
            // Two batches: the nft-backed restore cannot delete a chain declared in the same batch.
            await helper.ApplyXtablesAsync(new XtablesBatch { Tool = tool, Table = table, Lines = [$":INCUS-PROBE {policy}"] }, cancellationToken).ConfigureAwait(false);
            await helper.ApplyXtablesAsync(new XtablesBatch { Tool = tool, Table = table, Lines = ["-X INCUS-PROBE"] }, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    public async Task RemoveEverythingAsync(INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var (tool, table) in AllTables)
            {
                var lines = (await XtTables.ReadAsync(helper, tool, table, cancellationToken).ConfigureAwait(false)).RemoveEverything();
                if (lines.Count > 0)
                {
                    await helper.ApplyXtablesAsync(new XtablesBatch { Tool = tool, Table = table, Lines = lines }, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    private async Task Locked(Func<Task> action, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await action().ConfigureAwait(false);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Declares a dispatch chain and its jump from a built-in chain, when either is missing.</summary>
    private static void EnsureDispatch(XtTables tables, List<string> batch, string builtIn, string dispatch)
    {
        if (!tables.Chains.Contains(dispatch))
        {
            batch.Add(tables.Tool == "ebtables" ? $":{dispatch} RETURN" : $":{dispatch} -");
        }
        if (!tables.Has(builtIn, $"-j {dispatch}"))
        {
            // At the top: an earlier ACCEPT of the administrator's must not bypass the filter.
            batch.Add($"-I {builtIn} 1 -j {dispatch}");
        }
    }
}
