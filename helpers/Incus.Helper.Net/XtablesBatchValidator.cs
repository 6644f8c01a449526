using System.Text;

namespace Incus.Helpers.Net;

/// <summary>
/// Checks an xtables batch from the core before <c>&lt;tool&gt;-restore --noflush</c> sees it, and
/// rebuilds the restore text from the checked tokens. Everything must happen in chains named
/// <c>INCUS…</c>; a built-in chain may only gain or lose one plain jump into such a chain. No policy,
/// no zeroing, no renaming, no flush or delete of anything not ours, no file or module options.
/// </summary>
public static class XtablesBatchValidator
{
    public const string Prefix = "INCUS";
    public const int MaxLines = 20000;
    public const int MaxLineLength = 512;

    private static readonly Dictionary<string, string[]> Tables = new(StringComparer.Ordinal)
    {
        ["ebtables"] = ["filter"],
        ["iptables"] = ["filter", "raw", "nat"],
        ["ip6tables"] = ["filter", "raw", "nat"],
    };

    private static readonly Dictionary<string, string[]> BuiltIns = new(StringComparer.Ordinal)
    {
        ["filter"] = ["INPUT", "FORWARD", "OUTPUT"],
        ["raw"] = ["PREROUTING", "OUTPUT"],
        ["nat"] = ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
    };

    private static readonly HashSet<string> Verdicts = new(StringComparer.Ordinal) { "ACCEPT", "DROP", "RETURN", "CONTINUE", "REJECT", "MASQUERADE" };

    /// <summary>Options that name files, load modules, pick another table or change counters.</summary>
    private static readonly string[] RefusedOptionParts = ["file", "modprobe", "table", "counters", "atomic", "init", "policy", "zero", "rename"];

    /// <summary>The full restore input for <paramref name="tool"/>; throws <see cref="HelperRequestException"/> when refused.</summary>
    public static string Validate(string? tool, string? table, IReadOnlyList<string>? lines)
    {
        if (tool is null || !Tables.TryGetValue(tool, out var tables))
        {
            throw new HelperRequestException($"tool: \"{RequestValidation.Printable(tool ?? "")}\" is not ebtables, iptables or ip6tables");
        }
        if (table is null || !tables.Contains(table))
        {
            throw new HelperRequestException($"table: {tool} may only change {string.Join(", ", tables)}");
        }
        if (lines is null || lines.Count is 0 or > MaxLines)
        {
            throw new HelperRequestException($"lines: 1 to {MaxLines} are allowed");
        }
        int nameLimit = tool == "ebtables" ? 31 : 28;
        var text = new StringBuilder().Append('*').Append(table).Append('\n');
        foreach (string? line in lines)
        {
            text.Append(string.Join(' ', Line(tool, table, line, nameLimit))).Append('\n');
        }
        return text.Append("COMMIT\n").ToString();
    }

    private static List<string> Line(string tool, string table, string? line, int nameLimit)
    {
        if (string.IsNullOrWhiteSpace(line) || line.Length > MaxLineLength || line.Any(c => !Allowed(c)))
        {
            throw new HelperRequestException($"lines: \"{RequestValidation.Printable(line ?? "")}\" is empty, too long or has characters outside [A-Za-z0-9 :./!_,&@=+-]");
        }
        var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (tokens[0].StartsWith(':'))
        {
            // A declaration creates a chain or empties an existing one; only ours.
            string chain = Ours(tokens[0][1..], nameLimit, line);
            string policy = tool == "ebtables" ? "RETURN" : "-";
            if (tokens.Count != 2 || tokens[1] != policy)
            {
                throw new HelperRequestException($"lines: a chain declaration is \":{Prefix}… {policy}\": \"{RequestValidation.Printable(line)}\"");
            }
            return tool == "ebtables" ? [":" + chain, "RETURN"] : [":" + chain, "-", "[0:0]"];
        }
        if (tokens.Count < 2)
        {
            throw new HelperRequestException($"lines: \"{RequestValidation.Printable(line)}\" names no chain");
        }
        string command = tokens[0];
        string target = tokens[1];
        switch (command)
        {
            case "-F" or "-X":
                if (tokens.Count != 2)
                {
                    throw new HelperRequestException($"lines: {command} takes exactly one chain: \"{RequestValidation.Printable(line)}\"");
                }
                return [command, Ours(target, nameLimit, line)];
            case "-A" or "-I" or "-D":
                if (target.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    Ours(target, nameLimit, line);
                    return [command, target, .. RuleTokens(tokens.Skip(2).ToList(), nameLimit, line)];
                }
                if (!BuiltIns[table].Contains(target))
                {
                    throw new HelperRequestException($"lines: chain \"{RequestValidation.Printable(target)}\" is neither ours ({Prefix}…) nor a built-in chain of {table}");
                }
                // A built-in chain: exactly one unconditional jump into one of our chains, at the top for -I.
                var rest = tokens.Skip(2).ToList();
                if (command == "-I" && rest.Count == 3 && rest[0] == "1")
                {
                    rest.RemoveAt(0);
                }
                if (rest.Count != 2 || rest[0] != "-j")
                {
                    throw new HelperRequestException($"lines: a built-in chain may only get a plain jump into an {Prefix} chain: \"{RequestValidation.Printable(line)}\"");
                }
                string into = Ours(rest[1], nameLimit, line);
                return command == "-I" ? [command, target, "1", "-j", into] : [command, target, "-j", into];
            default:
                throw new HelperRequestException($"lines: \"{RequestValidation.Printable(command)}\" is not allowed (declarations, -A, -I, -D, -F and -X of {Prefix} chains only)");
        }
    }

    private static List<string> RuleTokens(List<string> tokens, int nameLimit, string line)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (token is "-t" or "-P" or "-Z" or "-E" or "-N" or "-L" or "-S" or "-M" || (token.StartsWith("--", StringComparison.Ordinal)
                && RefusedOptionParts.Any(p => token.Contains(p, StringComparison.OrdinalIgnoreCase))))
            {
                throw new HelperRequestException($"lines: option \"{RequestValidation.Printable(token)}\" is not allowed: \"{RequestValidation.Printable(line)}\"");
            }
            if (token.Contains('+', StringComparison.Ordinal) && !InterfaceWildcard(tokens, i))
            {
                throw new HelperRequestException($"lines: \"+\" is only allowed at the end of an interface name: \"{RequestValidation.Printable(line)}\"");
            }
            if (token is "-j" or "-g" or "--jump" or "--goto")
            {
                if (i + 1 >= tokens.Count)
                {
                    throw new HelperRequestException($"lines: {token} without a target: \"{RequestValidation.Printable(line)}\"");
                }
                string verdict = tokens[i + 1];
                if (!Verdicts.Contains(verdict))
                {
                    Ours(verdict, nameLimit, line);
                }
            }
        }
        return tokens;
    }

    /// <summary>Options whose argument is an interface name, where xtables reads a trailing <c>+</c> as "any name starting so".</summary>
    private static readonly HashSet<string> InterfaceOptions = new(StringComparer.Ordinal)
    {
        "-i", "-o", "--in-interface", "--out-interface", "--in-if", "--out-if", "--physdev-in", "--physdev-out", "--logical-in", "--logical-out",
    };

    /// <summary>
    /// Whether token <paramref name="index"/> is an interface name (after its option, or after the
    /// option and a <c>!</c>) with one <c>+</c>, at its end, after at least one character: the one
    /// place the dispatch tree needs it. Anywhere else a <c>+</c> is refused, so it cannot widen a
    /// match the caller did not mean as a prefix.
    /// </summary>
    private static bool InterfaceWildcard(List<string> tokens, int index)
    {
        string token = tokens[index];
        if (token.Length < 2 || token.IndexOf('+', StringComparison.Ordinal) != token.Length - 1 || token.Length - 1 > 15)
        {
            return false;
        }
        int option = index - 1;
        if (option >= 1 && tokens[option] == "!")
        {
            option--;
        }
        return option >= 0 && InterfaceOptions.Contains(tokens[option]);
    }

    private static string Ours(string chain, int nameLimit, string line)
    {
        if (!chain.StartsWith(Prefix, StringComparison.Ordinal) || chain.Length > nameLimit
            || chain.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new HelperRequestException($"lines: \"{RequestValidation.Printable(chain)}\" is not one of our chains ({Prefix}…, at most {nameLimit} characters): \"{RequestValidation.Printable(line)}\"");
        }
        return chain;
    }

    private static bool Allowed(char c) => char.IsAsciiLetterOrDigit(c) || c is ' ' or ':' or '.' or '/' or '!' or '_' or ',' or '&' or '@' or '=' or '+' or '-' or '>' or '<';

    /// <summary>Checks a listing request; returns the tool and table.</summary>
    public static (string Tool, string Table) ValidateQuery(string? tool, string? table)
    {
        if (tool is null || !Tables.TryGetValue(tool, out var tables) || table is null || !tables.Contains(table))
        {
            throw new HelperRequestException("query: a table of ebtables (filter), iptables or ip6tables (filter, raw, nat)");
        }
        return (tool, table);
    }

    /// <summary>The save lines that concern our chains: declarations, their rules and jumps into them.</summary>
    public static IReadOnlyList<string> Relevant(string save) =>
        save.Split('\n').Select(l => l.TrimEnd()).Where(l => l.StartsWith(":" + Prefix, StringComparison.Ordinal)
            || (l.StartsWith("-A ", StringComparison.Ordinal) && l.Contains(Prefix, StringComparison.Ordinal))).ToList();
}
