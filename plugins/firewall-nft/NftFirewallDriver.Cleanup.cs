using System.Text.Json.Nodes;
using Incus.Sdk.Helpers;

namespace Incus.Plugins.FirewallNft;

/// <summary>Removal of everything this driver installs, for a switch to another driver.</summary>
public sealed partial class NftFirewallDriver
{
    public Task RemoveEverythingAsync(INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        // Declaring first makes the delete succeed whether or not the table exists. The single bridge
        // table of earlier versions goes too.
        var tables = new List<(string Family, string Name)> { (NftJson.Family, NftJson.Table), (NftBridgeJson.Family, NftBridgeJson.LegacyTable) };
        tables.AddRange(NftBridgeJson.ShardTables.Select(t => (NftBridgeJson.Family, t)));
        var commands = new List<JsonObject>();
        foreach (var (family, name) in tables)
        {
            commands.Add(NftJson.Command("add", "table", new JsonObject { ["family"] = family, ["name"] = name }));
            commands.Add(NftJson.Command("delete", "table", new JsonObject { ["family"] = family, ["name"] = name }));
        }
        return helper.ApplyNftablesAsync(new NftablesBatch { Json = NftJson.Document(commands) }, cancellationToken);
    }
}
