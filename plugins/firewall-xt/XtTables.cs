using System.Collections.Immutable;
using Incus.Sdk.Helpers;

namespace Incus.Plugins.FirewallXt;

/// <summary>
/// What one table of one xtables tool holds of ours, from a save listing. Kept per chain in immutable
/// collections, so that following a change (<see cref="After"/>) touches only the chains it names
/// rather than copying and scanning the tens of thousands of lines a thousand filtered NICs make.
/// </summary>
public sealed class XtTables
{
    /// <summary>Our chain declarations, by chain.</summary>
    private readonly ImmutableDictionary<string, string> _declarations;

    /// <summary>The rules (<c>-A chain …</c>, as save prints them) by chain, in order; built-in chains included.</summary>
    private readonly ImmutableDictionary<string, ImmutableList<string>> _rules;

    public XtTables(string tool, string table, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        Tool = tool;
        Table = table;
        var declarations = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var rules = new Dictionary<string, ImmutableList<string>.Builder>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            if (line.StartsWith(':'))
            {
                declarations[ChainOf(line)] = line;
            }
            else if (line.StartsWith("-A ", StringComparison.Ordinal))
            {
                string chain = ChainOf(line);
                if (!rules.TryGetValue(chain, out var list))
                {
                    rules[chain] = list = ImmutableList.CreateBuilder<string>();
                }
                list.Add(line);
            }
        }
        _declarations = declarations.ToImmutable();
        _rules = rules.ToImmutableDictionary(r => r.Key, r => r.Value.ToImmutable(), StringComparer.Ordinal);
    }

    private XtTables(string tool, string table, ImmutableDictionary<string, string> declarations, ImmutableDictionary<string, ImmutableList<string>> rules)
    {
        Tool = tool;
        Table = table;
        _declarations = declarations;
        _rules = rules;
    }

    public string Tool { get; }

    public string Table { get; }

    /// <summary>The declarations, then the rules chain by chain; chains come in no particular order.</summary>
    public IReadOnlyList<string> Lines => [.. _declarations.Values, .. _rules.Values.SelectMany(r => r)];

    /// <summary>The names of our chains that exist.</summary>
    public IEnumerable<string> Chains => _declarations.Keys;

    /// <summary>Whether our chain <paramref name="chain"/> exists.</summary>
    public bool HasChain(string chain) => _declarations.ContainsKey(chain);

    /// <summary>Whether this exact rule (as save prints it, without the leading <c>-A</c>) is present.</summary>
    public bool Has(string chain, string rule) => _rules.TryGetValue(chain, out var rules) && rules.Contains($"-A {chain} {rule}", StringComparer.Ordinal);

    /// <summary>Whether <paramref name="chain"/> holds any rule.</summary>
    public bool HasRules(string chain) => _rules.TryGetValue(chain, out var rules) && rules.Count > 0;

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
        var declarations = _declarations.ToBuilder();
        var rules = _rules.ToBuilder();
        foreach (string line in batch)
        {
            string[] words = line.Split(' ', 4);
            if (line.StartsWith(':'))
            {
                string chain = ChainOf(line);
                // Declaring a chain that exists empties it, as restore does.
                rules.Remove(chain);
                declarations.TryAdd(chain, line);
            }
            else if (words[0] == "-A" && words.Length >= 3)
            {
                rules[words[1]] = rules.GetValueOrDefault(words[1], []).Add(line);
            }
            else if (words[0] == "-I" && words.Length == 4)
            {
                // "-I CHAIN 1 rule": the position does not matter to the lookups made on this model.
                rules[words[1]] = rules.GetValueOrDefault(words[1], []).Add($"-A {words[1]} {words[3]}");
            }
            else if (words[0] == "-D" && words.Length >= 3)
            {
                if (rules.TryGetValue(words[1], out var list))
                {
                    rules[words[1]] = list.Remove("-A " + line[3..], StringComparer.Ordinal);
                }
            }
            else if (words[0] == "-F" && words.Length == 2)
            {
                rules.Remove(words[1]);
            }
            else if (words[0] == "-X" && words.Length == 2)
            {
                declarations.Remove(words[1]);
            }
            else
            {
                throw new InvalidOperationException($"the xtables model cannot follow the line \"{line}\"");
            }
        }
        return new XtTables(Tool, Table, declarations.ToImmutable(), rules.ToImmutable());
    }

    /// <summary>The chain a declaration (<c>:CHAIN …</c>) or rule (<c>-A CHAIN …</c>) belongs to.</summary>
    private static string ChainOf(string line) => line.StartsWith(':') ? line[1..].Split(' ')[0] : line.Split(' ', 3)[1];

    /// <summary>The lines removing every chain of ours and the jumps into them; empty when there are none.</summary>
    public List<string> RemoveEverything()
    {
        var batch = new List<string>();
        foreach (string line in _rules.Values.SelectMany(r => r))
        {
            string[] words = line.Split(' ');
            // Only the plain jumps from built-in chains: our own chains are flushed whole below.
            if (words.Length == 4 && !words[1].StartsWith("INCUS", StringComparison.Ordinal) && words[2] == "-j")
            {
                batch.Add("-D " + line[3..]);
            }
        }
        batch.AddRange(_declarations.Keys.Select(c => $"-F {c}"));
        batch.AddRange(_declarations.Keys.Select(c => $"-X {c}"));
        return batch;
    }
}
