using Incus.Sdk.Helpers;

namespace Incus.Plugins.FirewallXt;

/// <summary>What one table of one xtables tool holds of ours, from a save listing.</summary>
public sealed class XtTables(string tool, string table, IReadOnlyList<string> lines)
{
    public string Tool => tool;

    public string Table => table;

    public IReadOnlyList<string> Lines => lines;

    /// <summary>The names of our chains that exist.</summary>
    public HashSet<string> Chains { get; } = lines.Where(l => l.StartsWith(':'))
        .Select(l => l[1..].Split(' ')[0]).ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether this exact rule (as save prints it, without the leading <c>-A</c>) is present.</summary>
    public bool Has(string chain, string rule) => lines.Contains($"-A {chain} {rule}", StringComparer.Ordinal);

    public static async Task<XtTables> ReadAsync(INetHelper helper, string tool, string table, CancellationToken cancellationToken)
    {
        var listing = await helper.ListXtablesAsync(new XtablesQuery { Tool = tool, Table = table }, cancellationToken).ConfigureAwait(false);
        return new XtTables(tool, table, listing.Lines);
    }

    /// <summary>The lines removing every chain of ours and the jumps into them; empty when there are none.</summary>
    public List<string> RemoveEverything()
    {
        var batch = new List<string>();
        foreach (string line in lines.Where(l => l.StartsWith("-A ", StringComparison.Ordinal)))
        {
            string[] words = line.Split(' ');
            // Only the plain jumps from built-in chains: our own chains are flushed whole below.
            if (words.Length == 4 && !words[1].StartsWith("INCUS", StringComparison.Ordinal) && words[2] == "-j")
            {
                batch.Add("-D " + line[3..]);
            }
        }
        batch.AddRange(Chains.Select(c => $"-F {c}"));
        batch.AddRange(Chains.Select(c => $"-X {c}"));
        return batch;
    }
}
