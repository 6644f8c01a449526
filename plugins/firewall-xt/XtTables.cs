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

    /// <summary>The lines as a set: a drift check asks several questions per NIC of a listing with a thousand NICs' rules.</summary>
    private readonly Lazy<HashSet<string>> _lineSet = new(() => lines.ToHashSet(StringComparer.Ordinal));

    /// <summary>The chains of ours that hold at least one rule.</summary>
    private readonly Lazy<HashSet<string>> _chainsWithRules = new(() => lines.Where(l => l.StartsWith("-A ", StringComparison.Ordinal))
        .Select(l => l.Split(' ', 3)[1]).ToHashSet(StringComparer.Ordinal));

    /// <summary>Whether this exact rule (as save prints it, without the leading <c>-A</c>) is present.</summary>
    public bool Has(string chain, string rule) => _lineSet.Value.Contains($"-A {chain} {rule}");

    /// <summary>Whether <paramref name="chain"/> holds any rule.</summary>
    public bool HasRules(string chain) => _chainsWithRules.Value.Contains(chain);

    public static async Task<XtTables> ReadAsync(INetHelper helper, string tool, string table, CancellationToken cancellationToken)
    {
        var listing = await helper.ListXtablesAsync(new XtablesQuery { Tool = tool, Table = table }, cancellationToken).ConfigureAwait(false);
        return new XtTables(tool, table, listing.Lines);
    }

    /// <summary>
    /// This table as it is after <paramref name="batch"/> (restore lines, as this driver writes them)
    /// was applied: so that a change needs no fresh listing, which costs more than the change itself
    /// once a thousand NICs are filtered. Rules are kept as written, which is how <see cref="Has"/>
    /// compares them.
    /// </summary>
    public XtTables After(IEnumerable<string> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var result = lines.ToList();
        foreach (string line in batch)
        {
            string[] words = line.Split(' ', 4);
            if (line.StartsWith(':'))
            {
                string chain = line[1..].Split(' ')[0];
                // Declaring a chain that exists empties it, as restore does.
                result.RemoveAll(l => l.StartsWith($"-A {chain} ", StringComparison.Ordinal));
                if (!result.Any(l => l.StartsWith($":{chain} ", StringComparison.Ordinal)))
                {
                    result.Add(line);
                }
            }
            else if (words[0] == "-A")
            {
                result.Add(line);
            }
            else if (words[0] == "-I" && words.Length == 4)
            {
                // "-I CHAIN 1 rule": the position does not matter to the lookups made on this model.
                result.Add($"-A {words[1]} {words[3]}");
            }
            else if (words[0] == "-D")
            {
                result.Remove("-A " + line[3..]);
            }
            else if (words[0] == "-F")
            {
                result.RemoveAll(l => l.StartsWith($"-A {words[1]} ", StringComparison.Ordinal));
            }
            else if (words[0] == "-X")
            {
                result.RemoveAll(l => l.StartsWith($":{words[1]} ", StringComparison.Ordinal));
            }
            else
            {
                throw new InvalidOperationException($"the xtables model cannot follow the line \"{line}\"");
            }
        }
        return new XtTables(tool, table, result);
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
