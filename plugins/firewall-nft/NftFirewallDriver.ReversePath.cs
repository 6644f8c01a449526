using System.Text.Json.Nodes;
using Incus.Sdk.Helpers;
using static Incus.Plugins.FirewallNft.NftJson;

namespace Incus.Plugins.FirewallNft;

/// <summary>
/// The reverse-path filter of a routed NIC: a chain <c>prert.&lt;veth&gt;</c> at prerouting, raw priority,
/// dropping what arrives on the veth from a source the host would not route back out of it
/// (<c>iif &lt;veth&gt; fib saddr . iif oif missing drop</c>). Unlike rp_filter it covers IPv6 too.
/// </summary>
public sealed partial class NftFirewallDriver
{
    /// <summary>Before conntrack and everything else, as Incus does (priority raw).</summary>
    public const int ReversePathPriority = -300;

    public Task ApplyReversePathFilterAsync(string hostName, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        return helper.ApplyNftablesAsync(new NftablesBatch { Json = Document(ReversePathCommands(hostName)) }, cancellationToken);
    }

    public Task ClearReversePathFilterAsync(string hostName, INetHelper helper, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(helper);
        var commands = new List<JsonObject> { AddTable() };
        commands.AddRange(Remove(ReversePathChain(hostName)));
        return helper.ApplyNftablesAsync(new NftablesBatch { Json = Document(commands) }, cancellationToken);
    }

    /// <summary>The filter of one veth, replacing any earlier one in the same transaction.</summary>
    public static List<JsonObject> ReversePathCommands(string hostName)
    {
        var chain = ReversePathChain(hostName);
        var commands = new List<JsonObject> { AddTable() };
        commands.AddRange(Fresh(chain));
        commands.Add(Rule(chain["name"]!.GetValue<string>(),
            Match(Meta("iif"), hostName),
            Match(new JsonObject { ["fib"] = new JsonObject { ["result"] = "oif", ["flags"] = new JsonArray("saddr", "iif") } }, false),
            Verdict("drop")));
        return commands;
    }

    public static string ReversePathChainName(string hostName) => $"prert.{hostName}";

    private static JsonObject ReversePathChain(string hostName) => BaseChain(ReversePathChainName(hostName), "filter", "prerouting", ReversePathPriority);
}
