namespace Incus.Tests.Integration;

/// <summary>
/// The NIC filter behaviour suite against the nftables driver on a host bridge the daemon does not
/// manage: the filters match by host-side veth, so they must hold exactly as on a managed bridge.
/// </summary>
[UnmanagedBridge("an unmanaged bridge has no DHCP server to renew a lease from")]
public sealed partial class UnmanagedNftNicFilterTests(UnmanagedBridgeNetworkFixture fixture) : NicFilterBehaviour(fixture), IClassFixture<UnmanagedBridgeNetworkFixture>
{
    private readonly NftKernelState _nft = new(fixture);

    protected override string FirewallName => "nftables";

    protected override Task<IReadOnlyList<string>> KernelStateMentioningAsync(string text) => _nft.LinesMentioningAsync(text);

    protected override Task<int> NicFilterBaseChainCountAsync() => _nft.NicFilterBaseChainCountAsync();

    protected override Task FlushEverythingExternallyAsync() => _nft.FlushRulesetAsync();
}
