using System.Diagnostics;
using System.Text.Json;
using Incus.Platform;

namespace Incus.DriverCheck;

/// <summary>
/// What firewall state a network namespace holds beyond empty built-in chains: every rule, set, map
/// and user chain, read with nft (which also shows iptables-nft and ebtables-nft objects) and with
/// the xtables save tools (which also cover legacy backends). In a namespace made for the run and
/// used by one driver, anything listed is that driver's.
/// </summary>
public static class FirewallLeftovers
{
    private static readonly string[] BuiltinChains = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING", "BROUTING"];
    // The xtables-nft tools create these tables on first use and never delete them; an xtables driver
    // owns only its chains in them, so such a table, once empty, is not a leftover.
    private static readonly string[] XtablesTables = ["filter", "nat", "raw", "mangle", "security", "broute"];
    private static readonly string[] SaveTools = ["/usr/sbin/iptables-save", "/usr/sbin/ip6tables-save", "/usr/sbin/ebtables-save"];

    public static async Task<IReadOnlyList<string>> ListAsync(ScratchNetworkNamespace networkNamespace)
    {
        var leftovers = new List<string>();
        if (File.Exists("/usr/sbin/nft"))
        {
            leftovers.AddRange(FromNftJson(await RunAsync(networkNamespace, "/usr/sbin/nft", "-j", "list", "ruleset").ConfigureAwait(false)));
        }
        foreach (string tool in SaveTools.Where(File.Exists))
        {
            leftovers.AddRange(FromSave(Path.GetFileName(tool), await RunAsync(networkNamespace, tool).ConfigureAwait(false)));
        }
        return leftovers;
    }

    /// <summary>
    /// The leftovers in an <c>nft -j list ruleset</c> document: every table except the xtables tools'
    /// own, and in those every rule, set, map and user chain, and any base chain whose policy is not accept.
    /// </summary>
    public static IEnumerable<string> FromNftJson(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            yield break;
        }
        using var document = JsonDocument.Parse(json);
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            foreach (var property in item.EnumerateObject())
            {
                var value = property.Value;
                string Text(string name) => value.TryGetProperty(name, out var v) ? v.ToString() : "";
                bool toolTable = XtablesTables.Contains(property.Name == "table" ? Text("name") : Text("table"), StringComparer.Ordinal);
                switch (property.Name)
                {
                    case "metainfo":
                        break;
                    case "table":
                        if (!toolTable)
                        {
                            yield return $"nft: table {Text("family")} {Text("name")}";
                        }
                        break;
                    case "chain" when value.TryGetProperty("hook", out _) && toolTable:
                        if (Text("policy") is var policy && policy.Length > 0 && policy != "accept")
                        {
                            yield return $"nft: base chain {Text("family")} {Text("table")} {Text("name")} with policy {policy}";
                        }
                        break;
                    case "chain":
                        yield return $"nft: chain {Text("family")} {Text("table")} {Text("name")}";
                        break;
                    case "rule":
                        yield return $"nft: rule in {Text("family")} {Text("table")} {Text("chain")}";
                        break;
                    default:
                        yield return $"nft: {property.Name} {Text("family")} {Text("table")} {Text("name")}";
                        break;
                }
            }
        }
    }

    /// <summary>The leftovers in the output of an xtables save tool: rules, and chains that are not built in.</summary>
    public static IEnumerable<string> FromSave(string tool, string save)
    {
        foreach (string line in save.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("-A ", StringComparison.Ordinal))
            {
                yield return $"{tool}: {line}";
            }
            else if (line.StartsWith(':') && !BuiltinChains.Contains(line[1..].Split(' ')[0], StringComparer.Ordinal))
            {
                yield return $"{tool}: chain {line[1..].Split(' ')[0]}";
            }
        }
    }

    private static Task<string> RunAsync(ScratchNetworkNamespace networkNamespace, string program, params string[] arguments) =>
        ProgramOutput.ReadAsync(networkNamespace.Enter[0], [.. networkNamespace.Enter.Skip(1), program, .. arguments]);
}
