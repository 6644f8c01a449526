using System.Text;
using System.Text.Json.Nodes;

namespace Incus.Plugins.FirewallNft;

/// <summary>libnftables JSON builders for the NIC filters in the shard tables <c>bridge incus-n0</c> … <c>incus-n7</c>.</summary>
public static class NftBridgeJson
{
    public const string Family = "bridge";

    /// <summary>
    /// How many tables the NIC filters are spread over. The kernel checks every rule reachable from a
    /// table's base chains on each commit that adds a rule or a jump (about 7.5 µs per filtered NIC
    /// here, 8 ms at 1000 NICs in one table), so a change only pays for the NICs of its own table;
    /// every frame pays one map lookup per shard table in use.
    /// </summary>
    public const int Shards = 8;

    /// <summary>The single table of earlier versions; only removed now.</summary>
    public const string LegacyTable = NftJson.Table;

    /// <summary>Every shard table's name, in order.</summary>
    public static IReadOnlyList<string> ShardTables { get; } = Enumerable.Range(0, Shards).Select(ShardTableName).ToArray();

    /// <summary>
    /// The table holding a NIC's filter: FNV-1a of its host-side name, so any name (a user's
    /// <c>host_name</c> too) spreads evenly and lands in the same table every time.
    /// </summary>
    public static string ShardTable(string hostName)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(hostName))
        {
            hash = unchecked((hash ^ b) * 16777619);
        }
        return ShardTableName((int)(hash % Shards));
    }

    private static string ShardTableName(int shard) => $"{NftJson.Table}-n{shard}";

    public static JsonObject AddTable(string table) => NftJson.Command("add", "table", new JsonObject { ["family"] = Family, ["name"] = table });

    public static JsonObject Object(string table, string name) => new() { ["family"] = Family, ["table"] = table, ["name"] = name };

    public static JsonObject BaseChain(string table, string name, string hook) => new()
    {
        ["family"] = Family, ["table"] = table, ["name"] = name, ["type"] = "filter", ["hook"] = hook, ["prio"] = -200, ["policy"] = "accept",
    };

    public static JsonObject VerdictMap(string table, string name) => new()
    {
        ["family"] = Family, ["table"] = table, ["name"] = name, ["type"] = "ifname", ["map"] = "verdict",
    };

    public static JsonObject Element(string table, string map, string key, string? jumpTarget) => new()
    {
        ["family"] = Family, ["table"] = table, ["name"] = map,
        ["elem"] = new JsonArray(jumpTarget is null
            ? JsonValue.Create(key)
            : new JsonArray(JsonValue.Create(key), new JsonObject { ["jump"] = new JsonObject { ["target"] = jumpTarget } })),
    };

    public static JsonObject Rule(string table, string chain, IEnumerable<JsonNode?> expressions) => NftJson.Command("add", "rule", new JsonObject
    {
        ["family"] = Family, ["table"] = table, ["chain"] = chain, ["expr"] = new JsonArray(expressions.ToArray()),
    });

    /// <summary>A raw payload field (<c>@nh,offset,len</c>): for NDP fields nft has no name for.</summary>
    public static JsonObject Raw(string @base, int offset, int length) => new()
    {
        ["payload"] = new JsonObject { ["base"] = @base, ["offset"] = offset, ["len"] = length },
    };
}
