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

    public async Task<int> NicFilterBaseChainCountAsync()
    {
        var listing = (await fixture.OnHostAsync("/usr/sbin/nft", "list", "table", "bridge", "incus")).EnsureSuccess("nft list table bridge incus");
        return HookLine().Matches(listing.Output).Count;
    }

    public async Task FlushRulesetAsync() =>
        (await fixture.OnHostAsync("/usr/sbin/nft", "flush", "ruleset")).EnsureSuccess("nft flush ruleset");

    [GeneratedRegex(@"type filter hook \w+ priority")]
    private static partial Regex HookLine();
}
