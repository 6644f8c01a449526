using System.Text.Json;
using System.Text.Json.Nodes;
using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;
using static Incus.Plugins.FirewallNft.NftBridgeJson;

namespace Incus.Plugins.FirewallNft;

/// <summary>
/// Bridged NIC filters in table <c>bridge incus</c>: one base chain per hook dispatches with
/// <c>iifname vmap</c> to a regular chain per NIC, so a frame costs one map lookup however many NICs
/// are filtered, and a NIC's filter is replaced or removed in one transaction without touching others.
/// </summary>
public sealed partial class NftFirewallDriver
{
    /// <summary>The base chains and their maps share these names: <c>nic-in</c> and <c>nic-fwd</c>.</summary>
    private static readonly (NicFilterHooks Hook, string Dispatch, string Prefix, string NfHook)[] Variants =
    [
        (NicFilterHooks.Input, "nic-in", "in", "input"),
        (NicFilterHooks.Forward, "nic-fwd", "fwd", "forward"),
    ];

    public Task ApplyNicFilterAsync(NicFilterSpec nic, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nic);
        ArgumentNullException.ThrowIfNull(helper);
        return helper.ApplyNftablesAsync(new NftablesBatch { Json = NftJson.Document(NicFilterCommands(nic)) }, cancellationToken);
    }

    public Task ClearNicFilterAsync(string hostName, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        return helper.ApplyNftablesAsync(new NftablesBatch { Json = NftJson.Document(ClearCommands(hostName)) }, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> MissingNicFiltersAsync(IReadOnlyCollection<string> expected, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(helper);
        if (expected.Count == 0)
        {
            return [];
        }
        // Four small objects, whatever the number of rules: the maps' keys and the two dispatch rules.
        var objects = Variants.SelectMany(v => new[]
        {
            new NftablesObject { Family = Family, Kind = "map", Name = v.Dispatch },
            new NftablesObject { Family = Family, Kind = "chain", Name = v.Dispatch },
        }).ToList();
        var listing = await helper.ListNftablesAsync(new NftablesQuery { Objects = objects }, cancellationToken).ConfigureAwait(false);
        if (!listing.Found)
        {
            return [.. expected];
        }
        var present = new HashSet<string>(expected, StringComparer.Ordinal);
        for (int i = 0; i < Variants.Length; i++)
        {
            var (map, chain) = (ParseMapKeys(listing.Documents[2 * i]), listing.Documents[(2 * i) + 1]);
            if (!chain.Contains("\"vmap\"", StringComparison.Ordinal) || !chain.Contains($"\"@{Variants[i].Dispatch}\"", StringComparison.Ordinal))
            {
                return [.. expected];
            }
            present.IntersectWith(map);
        }
        return expected.Where(h => !present.Contains(h)).ToList();
    }

    /// <summary>The transaction that installs or replaces one NIC's filter.</summary>
    public static List<JsonObject> NicFilterCommands(NicFilterSpec nic)
    {
        ArgumentNullException.ThrowIfNull(nic);
        var model = NicFilterModel.Build(nic);
        if (model.Count == 0)
        {
            return ClearCommands(nic.HostName);
        }
        var commands = Skeleton();
        foreach (var (hook, dispatch, prefix, _) in Variants)
        {
            string chain = $"{prefix}.{nic.HostName}";
            var rules = NftNicFilterRules.For(model, hook, chain);
            var subChains = SubChains(chain);
            var used = subChains.Where(c => rules.Any(r => r.Chain == c)).ToList();
            // Declared, emptied and refilled in the same transaction as everything else: the old rules
            // hold until the kernel swaps in the new ones.
            foreach (string declared in used.Prepend(chain))
            {
                commands.Add(NftJson.Command("add", "chain", Object(declared)));
                commands.Add(NftJson.Command("flush", "chain", Object(declared)));
            }
            commands.AddRange(rules.Select(r => Rule(r.Chain, r.Expressions)));
            commands.Add(NftJson.Command("add", "element", Element(dispatch, nic.HostName, chain)));
            // A sub-chain the old filter had and this one does not: nothing jumps to it any more.
            commands.AddRange(Removals(subChains.Except(used)));
        }
        return commands;
    }

    /// <summary>The transaction that removes one NIC's chains and map elements, whether or not they exist.</summary>
    public static List<JsonObject> ClearCommands(string hostName)
    {
        var commands = Skeleton();
        foreach (var (_, dispatch, prefix, _) in Variants)
        {
            string chain = $"{prefix}.{hostName}";
            // Declare first so that the deletes cannot fail on something already gone; the main chain
            // is emptied before its sub-chains go, so nothing refers to them then.
            commands.Add(NftJson.Command("add", "chain", Object(chain)));
            commands.Add(NftJson.Command("flush", "chain", Object(chain)));
            commands.Add(NftJson.Command("add", "element", Element(dispatch, hostName, chain)));
            commands.Add(NftJson.Command("delete", "element", Element(dispatch, hostName, null)));
            commands.AddRange(Removals(SubChains(chain)));
            commands.Add(NftJson.Command("delete", "chain", Object(chain)));
        }
        return commands;
    }

    private static List<string> SubChains(string chain) => NftNicFilterRules.SubChainSuffixes.Select(s => $"{chain}.{s}").ToList();

    /// <summary>Deletes chains whether or not they exist: each is declared and emptied first.</summary>
    private static IEnumerable<JsonObject> Removals(IEnumerable<string> chains) => chains.SelectMany(c => new[]
    {
        NftJson.Command("add", "chain", Object(c)),
        NftJson.Command("flush", "chain", Object(c)),
        NftJson.Command("delete", "chain", Object(c)),
    });

    /// <summary>The table, the two maps and the two base chains with their single dispatch rule.</summary>
    private static List<JsonObject> Skeleton()
    {
        var commands = new List<JsonObject> { AddTable() };
        foreach (var (_, dispatch, _, nfHook) in Variants)
        {
            commands.Add(NftJson.Command("add", "map", VerdictMap(dispatch)));
            commands.Add(NftJson.Command("add", "chain", BaseChain(dispatch, nfHook)));
            commands.Add(NftJson.Command("flush", "chain", Object(dispatch)));
            commands.Add(Rule(dispatch, [new JsonObject { ["vmap"] = new JsonObject { ["key"] = NftJson.Meta("iifname"), ["data"] = $"@{dispatch}" } }]));
        }
        return commands;
    }

    private static HashSet<string> ParseMapKeys(string document)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        using var json = JsonDocument.Parse(document);
        foreach (var entry in json.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (entry.TryGetProperty("map", out var map) && map.TryGetProperty("elem", out var elements))
            {
                foreach (var element in elements.EnumerateArray())
                {
                    if (element.ValueKind == JsonValueKind.Array && element[0].ValueKind == JsonValueKind.String)
                    {
                        keys.Add(element[0].GetString()!);
                    }
                }
            }
        }
        return keys;
    }
}
