namespace Incus.Tests.Integration;

/// <summary>The NIC filter behaviour suite against the nftables driver (table <c>bridge incus</c>).</summary>
public sealed class NftNicFilterTests(BridgeNetworkFixture fixture) : NicFilterBehaviour(fixture), IClassFixture<BridgeNetworkFixture>
{
    private readonly NftKernelState _nft = new(fixture);

    protected override string FirewallName => "nftables";

    protected override Task<IReadOnlyList<string>> KernelStateMentioningAsync(string text) => _nft.LinesMentioningAsync(text);

    protected override Task<int> NicFilterBaseChainCountAsync() => _nft.NicFilterBaseChainCountAsync();

    protected override Task FlushEverythingExternallyAsync() => _nft.FlushRulesetAsync();
}
