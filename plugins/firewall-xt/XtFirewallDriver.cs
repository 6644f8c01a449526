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

    /// <summary>What the NIC filter tables hold of ours, as last read or followed through our own changes; null when unknown.</summary>
    private NicState? _known;

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

    public Task RemoveEverythingAsync(INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        return Locked(async () =>
        {
            _known = null;
            // The listings are read-only and each costs a process start in the helper, so they run side
            // by side: this runs at every daemon start, usually to find nothing.
            var listings = await Task.WhenAll(AllTables.Select(t => XtTables.ReadAsync(helper, t.Tool, t.Table, cancellationToken))).ConfigureAwait(false);
            foreach (var listing in listings)
            {
                var (tool, table) = (listing.Tool, listing.Table);
                var lines = listing.RemoveEverything();
                foreach (var part in Portions(lines))
                {
                    await helper.ApplyXtablesAsync(new XtablesBatch { Tool = tool, Table = table, Lines = part }, cancellationToken).ConfigureAwait(false);
                }
            }
        }, cancellationToken);
    }

    /// <summary>The most line text sent in one batch: the helper takes requests of up to 1 MiB, JSON included.</summary>
    public const int MaxBatchText = 256 * 1024;

    /// <summary>The most lines sent in one batch; the helper takes up to 20000.</summary>
    public const int MaxBatchLines = 10000;

    /// <summary>
    /// <paramref name="lines"/> cut, in order, into batches the helper takes. A removal with a thousand
    /// NICs' chains can be larger than one request; its lines flush every chain before any is deleted,
    /// so each batch in turn can be applied wherever the cut falls.
    /// </summary>
    public static IEnumerable<List<string>> Portions(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var portion = new List<string>();
        int size = 0;
        foreach (string line in lines)
        {
            if (portion.Count > 0 && (size + line.Length + 4 > MaxBatchText || portion.Count == MaxBatchLines))
            {
                yield return portion;
                portion = [];
                size = 0;
            }
            portion.Add(line);
            size += line.Length + 4;
        }
        if (portion.Count > 0)
        {
            yield return portion;
        }
    }

    private Task Locked(Func<Task> action, CancellationToken cancellationToken) => Locked(async () =>
    {
        await action().ConfigureAwait(false);
        return true;
    }, cancellationToken);

    private async Task<TResult> Locked<TResult>(Func<Task<TResult>> action, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Declares a dispatch chain and its jump from a built-in chain, when either is missing.</summary>
    private static void EnsureDispatch(XtTables tables, List<string> batch, string builtIn, string dispatch)
    {
        if (!tables.HasChain(dispatch))
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
