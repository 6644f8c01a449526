using System.Text.Json.Nodes;

namespace Incus.Plugins.FirewallNft;

/// <summary>libnftables JSON builders for the NIC filters in table <c>bridge incus</c>.</summary>
public static class NftBridgeJson
{
    public const string Family = "bridge";

    public static JsonObject AddTable() => NftJson.Command("add", "table", new JsonObject { ["family"] = Family, ["name"] = NftJson.Table });

    public static JsonObject Object(string name) => new() { ["family"] = Family, ["table"] = NftJson.Table, ["name"] = name };

    public static JsonObject BaseChain(string name, string hook) => new()
    {
        ["family"] = Family, ["table"] = NftJson.Table, ["name"] = name, ["type"] = "filter", ["hook"] = hook, ["prio"] = -200, ["policy"] = "accept",
    };

    public static JsonObject VerdictMap(string name) => new()
    {
        ["family"] = Family, ["table"] = NftJson.Table, ["name"] = name, ["type"] = "ifname", ["map"] = "verdict",
    };

    public static JsonObject Element(string map, string key, string? jumpTarget) => new()
    {
        ["family"] = Family, ["table"] = NftJson.Table, ["name"] = map,
        ["elem"] = new JsonArray(jumpTarget is null
            ? JsonValue.Create(key)
            : new JsonArray(JsonValue.Create(key), new JsonObject { ["jump"] = new JsonObject { ["target"] = jumpTarget } })),
    };

    public static JsonObject Rule(string chain, IEnumerable<JsonNode?> expressions) => NftJson.Command("add", "rule", new JsonObject
    {
        ["family"] = Family, ["table"] = NftJson.Table, ["chain"] = chain, ["expr"] = new JsonArray(expressions.ToArray()),
    });

    /// <summary>A raw payload field (<c>@nh,offset,len</c>): for NDP fields nft has no name for.</summary>
    public static JsonObject Raw(string @base, int offset, int length) => new()
    {
        ["payload"] = new JsonObject { ["base"] = @base, ["offset"] = offset, ["len"] = length },
    };
}
