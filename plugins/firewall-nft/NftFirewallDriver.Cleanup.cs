using System.Text.Json.Nodes;
using Incus.Sdk.Helpers;

namespace Incus.Plugins.FirewallNft;

/// <summary>Removal of everything this driver installs, for a switch to another driver.</summary>
public sealed partial class NftFirewallDriver
{
    public Task RemoveEverythingAsync(INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        // Declaring first makes the delete succeed whether or not the table exists.
        var commands = new List<JsonObject>();
        foreach (string family in new[] { NftJson.Family, NftBridgeJson.Family })
        {
            commands.Add(NftJson.Command("add", "table", new JsonObject { ["family"] = family, ["name"] = NftJson.Table }));
            commands.Add(NftJson.Command("delete", "table", new JsonObject { ["family"] = family, ["name"] = NftJson.Table }));
        }
        return helper.ApplyNftablesAsync(new NftablesBatch { Json = NftJson.Document(commands) }, cancellationToken);
    }
}
