using System.Text.Json.Nodes;

namespace Incus.Plugins.FirewallNft;

/// <summary>Small builders for libnftables JSON, so rules read close to nft syntax.</summary>
public static class NftJson
{
    public const string Table = "incus";
    public const string Family = "inet";

    public static JsonObject Command(string verb, string kind, JsonObject spec) => new() { [verb] = new JsonObject { [kind] = spec } };

    public static JsonObject AddTable() => Command("add", "table", new JsonObject { ["family"] = Family, ["name"] = Table });

    public static JsonObject BaseChain(string name, string type, string hook, int priority, string policy = "accept") => new()
    {
        ["family"] = Family, ["table"] = Table, ["name"] = name, ["type"] = type, ["hook"] = hook, ["prio"] = priority, ["policy"] = policy,
    };

    public static JsonObject ChainRef(string name) => new() { ["family"] = Family, ["table"] = Table, ["name"] = name };

    public static JsonObject Rule(string chain, params JsonNode[] expressions) => Command("add", "rule", new JsonObject
    {
        ["family"] = Family, ["table"] = Table, ["chain"] = chain, ["expr"] = new JsonArray(expressions),
    });

    public static JsonObject Match(JsonNode left, JsonNode right, string op = "==") => new()
    {
        ["match"] = new JsonObject { ["op"] = op, ["left"] = left, ["right"] = right },
    };

    public static JsonObject Meta(string key) => new() { ["meta"] = new JsonObject { ["key"] = key } };

    public static JsonObject Payload(string protocol, string field) => new() { ["payload"] = new JsonObject { ["protocol"] = protocol, ["field"] = field } };

    public static JsonObject Prefix(string cidr)
    {
        string[] parts = cidr.Split('/');
        return new JsonObject { ["prefix"] = new JsonObject { ["addr"] = parts[0], ["len"] = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) } };
    }

    public static JsonObject Set(params JsonNode[] values) => new() { ["set"] = new JsonArray(values) };

    public static JsonObject Verdict(string verdict) => new() { [verdict] = null };

    public static string Document(IEnumerable<JsonObject> commands) => new JsonObject { ["nftables"] = new JsonArray(commands.ToArray<JsonNode>()) }.ToJsonString();
}
