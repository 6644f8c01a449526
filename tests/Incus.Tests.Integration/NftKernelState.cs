using System.Text.RegularExpressions;

namespace Incus.Tests.Integration;

/// <summary>The nftables driver's kernel state as the behaviour suite probes it, in the fixture daemon's namespace.</summary>
public sealed partial class NftKernelState(BridgeNetworkFixture fixture)
{
    public async Task<IReadOnlyList<string>> LinesMentioningAsync(string text)
    {
        var listing = await fixture.OnHostAsync("/usr/sbin/nft", "list", "ruleset");
        listing.EnsureSuccess("nft list ruleset");
        return listing.Output.Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
    }

    /// <summary>
    /// The base chains of each NIC filter shard table (<c>bridge incus-n…</c>), which must be the same
    /// in every shard in use: one per hook, however many NICs the table holds.
    /// </summary>
    public async Task<int> NicFilterBaseChainCountAsync()
    {
        var tables = (await fixture.OnHostAsync("/usr/sbin/nft", "list", "tables")).EnsureSuccess("nft list tables").Output
            .Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("table bridge incus-n", StringComparison.Ordinal)).ToList();
        var counts = new HashSet<int>();
        foreach (string table in tables)
        {
            string name = table["table bridge ".Length..];
            var listing = (await fixture.OnHostAsync("/usr/sbin/nft", "list", "table", "bridge", name)).EnsureSuccess($"nft list table bridge {name}");
            counts.Add(HookLine().Matches(listing.Output).Count);
        }
        return counts.Count == 1 ? counts.Single() : throw new InvalidOperationException($"shard tables {string.Join(", ", tables)} have {string.Join(" / ", counts)} base chains");
    }

    public async Task FlushRulesetAsync() =>
        (await fixture.OnHostAsync("/usr/sbin/nft", "flush", "ruleset")).EnsureSuccess("nft flush ruleset");

    [GeneratedRegex(@"type filter hook \w+ priority")]
    private static partial Regex HookLine();
}
