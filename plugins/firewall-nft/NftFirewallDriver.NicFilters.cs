using System.Text.Json;
using System.Text.Json.Nodes;
using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;
using static Incus.Plugins.FirewallNft.NftBridgeJson;

namespace Incus.Plugins.FirewallNft;

/// <summary>
/// Bridged NIC filters in the shard tables <c>bridge incus-n0</c> … <c>incus-n7</c> (the NIC's table is
/// a hash of its host-side name): in each, one base chain per hook dispatches with <c>iifname vmap</c>
/// to a regular chain per NIC, so a frame costs one map lookup per shard table however many NICs are
/// filtered, and a NIC's filter is replaced or removed in one transaction without touching others.
/// </summary>
public sealed partial class NftFirewallDriver
{
    /// <summary>The base chains and their maps share these names: <c>nic-in</c> and <c>nic-fwd</c>.</summary>
    private static readonly (NicFilterHooks Hook, string Dispatch, string Prefix, string NfHook)[] Variants =
    [
        (NicFilterHooks.Input, "nic-in", "in", "input"),
        (NicFilterHooks.Forward, "nic-fwd", "fwd", "forward"),
    ];

    /// <summary>Shards per listing: four objects each, within the helper's limit of 16 per request.</summary>
    private const int NftablesQueryShards = 4;

    /// <summary>Set once the single table of earlier versions is known to be gone.</summary>
    private volatile bool _legacyTableGone;

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
        var missing = new List<string>();
        // Only the shards that should hold a NIC are read; four small objects each, whatever the
        // number of rules: the maps' keys and the two dispatch rules.
        var shards = expected.GroupBy(ShardTable).ToList();
        foreach (var chunk in shards.Chunk(NftablesQueryShards))
        {
            var listing = await ListShardsAsync(chunk.Select(s => s.Key).ToList(), helper, cancellationToken).ConfigureAwait(false);
            if (listing is null && chunk.Length > 1)
            {
                // One shard without its objects makes the whole listing fail; ask again one by one so
                // that only its NICs count as missing.
                foreach (var shard in chunk)
                {
                    missing.AddRange(MissingIn([shard], await ListShardsAsync([shard.Key], helper, cancellationToken).ConfigureAwait(false)));
                }
            }
            else
            {
                missing.AddRange(MissingIn(chunk, listing));
            }
        }
        if (missing.Count == 0 && !_legacyTableGone)
        {
            await RemoveLegacyTableAsync(helper, cancellationToken).ConfigureAwait(false);
        }
        return missing;
    }

    private static async Task<NftablesListing?> ListShardsAsync(IReadOnlyList<string> tables, INetHelper helper, CancellationToken cancellationToken)
    {
        var objects = tables.SelectMany(table => Variants.SelectMany(v => new[]
        {
            new NftablesObject { Family = Family, Table = table, Kind = "map", Name = v.Dispatch },
            new NftablesObject { Family = Family, Table = table, Kind = "chain", Name = v.Dispatch },
        })).ToList();
        var listing = await helper.ListNftablesAsync(new NftablesQuery { Objects = objects }, cancellationToken).ConfigureAwait(false);
        return listing.Found ? listing : null;
    }

    /// <summary>The NICs of <paramref name="shards"/> (in listing order) whose map element or dispatch rule is gone.</summary>
    private static IEnumerable<string> MissingIn(IReadOnlyList<IGrouping<string, string>> shards, NftablesListing? listing)
    {
        for (int s = 0; s < shards.Count; s++)
        {
            if (listing is null)
            {
                foreach (string host in shards[s])
                {
                    yield return host;
                }
                continue;
            }
            var present = new HashSet<string>(shards[s], StringComparer.Ordinal);
            for (int i = 0; i < Variants.Length; i++)
            {
                int index = (s * 2 * Variants.Length) + (2 * i);
                string chain = listing.Documents[index + 1];
                if (!chain.Contains("\"vmap\"", StringComparison.Ordinal) || !chain.Contains($"\"@{Variants[i].Dispatch}\"", StringComparison.Ordinal))
                {
                    present.Clear();
                }
                present.IntersectWith(ParseMapKeys(listing.Documents[index]));
            }
            foreach (string host in shards[s].Where(h => !present.Contains(h)))
            {
                yield return host;
            }
        }
    }

    /// <summary>
    /// Earlier versions kept every NIC filter in the one table <c>bridge incus</c>. It goes once every
    /// running filtered NIC has its filter in a shard table, so no NIC is left unfiltered meanwhile;
    /// left in place, its stale filter would also apply to a later NIC that reuses a host name.
    /// </summary>
    private async Task RemoveLegacyTableAsync(INetHelper helper, CancellationToken cancellationToken)
    {
        var probe = new NftablesQuery { Objects = [new NftablesObject { Family = Family, Table = LegacyTable, Kind = "map", Name = Variants[0].Dispatch }] };
        if ((await helper.ListNftablesAsync(probe, cancellationToken).ConfigureAwait(false)).Found)
        {
            await helper.ApplyNftablesAsync(new NftablesBatch
            {
                Json = NftJson.Document([AddTable(LegacyTable), NftJson.Command("delete", "table", new JsonObject { ["family"] = Family, ["name"] = LegacyTable })]),
            }, cancellationToken).ConfigureAwait(false);
        }
        _legacyTableGone = true;
    }

    /// <summary>The transaction that installs or replaces one NIC's filter, all in the NIC's shard table.</summary>
    public static List<JsonObject> NicFilterCommands(NicFilterSpec nic)
    {
        ArgumentNullException.ThrowIfNull(nic);
        var model = NicFilterModel.Build(nic);
        if (model.Count == 0)
        {
            return ClearCommands(nic.HostName);
        }
        string table = ShardTable(nic.HostName);
        var commands = Skeleton(table);
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
                commands.Add(NftJson.Command("add", "chain", Object(table, declared)));
                commands.Add(NftJson.Command("flush", "chain", Object(table, declared)));
            }
            commands.AddRange(rules.Select(r => Rule(table, r.Chain, r.Expressions)));
            commands.Add(NftJson.Command("add", "element", Element(table, dispatch, nic.HostName, chain)));
            // A sub-chain the old filter had and this one does not: nothing jumps to it any more.
            commands.AddRange(Removals(table, subChains.Except(used)));
        }
        return commands;
    }

    /// <summary>The transaction that removes one NIC's chains and map elements, whether or not they exist.</summary>
    public static List<JsonObject> ClearCommands(string hostName)
    {
        string table = ShardTable(hostName);
        var commands = Skeleton(table);
        foreach (var (_, dispatch, prefix, _) in Variants)
        {
            string chain = $"{prefix}.{hostName}";
            // Declare first so that the deletes cannot fail on something already gone; the main chain
            // is emptied before its sub-chains go, so nothing refers to them then.
            commands.Add(NftJson.Command("add", "chain", Object(table, chain)));
            commands.Add(NftJson.Command("flush", "chain", Object(table, chain)));
            commands.Add(NftJson.Command("add", "element", Element(table, dispatch, hostName, chain)));
            commands.Add(NftJson.Command("delete", "element", Element(table, dispatch, hostName, null)));
            commands.AddRange(Removals(table, SubChains(chain)));
            commands.Add(NftJson.Command("delete", "chain", Object(table, chain)));
        }
        return commands;
    }

    private static List<string> SubChains(string chain) => NftNicFilterRules.SubChainSuffixes.Select(s => $"{chain}.{s}").ToList();

    /// <summary>Deletes chains whether or not they exist: each is declared and emptied first.</summary>
    private static IEnumerable<JsonObject> Removals(string table, IEnumerable<string> chains) => chains.SelectMany(c => new[]
    {
        NftJson.Command("add", "chain", Object(table, c)),
        NftJson.Command("flush", "chain", Object(table, c)),
        NftJson.Command("delete", "chain", Object(table, c)),
    });

    /// <summary>A shard table, its two maps and its two base chains with their single dispatch rule.</summary>
    private static List<JsonObject> Skeleton(string table)
    {
        var commands = new List<JsonObject> { AddTable(table) };
        foreach (var (_, dispatch, _, nfHook) in Variants)
        {
            commands.Add(NftJson.Command("add", "map", VerdictMap(table, dispatch)));
            commands.Add(NftJson.Command("add", "chain", BaseChain(table, dispatch, nfHook)));
            commands.Add(NftJson.Command("flush", "chain", Object(table, dispatch)));
            commands.Add(Rule(table, dispatch, [new JsonObject { ["vmap"] = new JsonObject { ["key"] = NftJson.Meta("iifname"), ["data"] = $"@{dispatch}" } }]));
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
