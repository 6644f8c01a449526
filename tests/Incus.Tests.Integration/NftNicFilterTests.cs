using System.Text.RegularExpressions;

namespace Incus.Tests.Integration;

/// <summary>The NIC filter behaviour suite against the nftables driver (table <c>bridge incus</c>).</summary>
public sealed partial class NftNicFilterTests(BridgeNetworkFixture fixture) : NicFilterBehaviour(fixture), IClassFixture<BridgeNetworkFixture>
{
    protected override string FirewallName => "nftables";

    protected override async Task<IReadOnlyList<string>> KernelStateMentioningAsync(string text)
    {
        var listing = await Fixture.OnHostAsync("/usr/sbin/nft", "list", "ruleset");
        listing.EnsureSuccess("nft list ruleset");
        return listing.Output.Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
    }

    protected override async Task<int> NicFilterBaseChainCountAsync()
    {
        var listing = (await Fixture.OnHostAsync("/usr/sbin/nft", "list", "table", "bridge", "incus")).EnsureSuccess("nft list table bridge incus");
        return HookLine().Matches(listing.Output).Count;
    }

    protected override async Task FlushEverythingExternallyAsync() =>
        (await Fixture.OnHostAsync("/usr/sbin/nft", "flush", "ruleset")).EnsureSuccess("nft flush ruleset");

    [GeneratedRegex(@"type filter hook \w+ priority")]
    private static partial Regex HookLine();
}
