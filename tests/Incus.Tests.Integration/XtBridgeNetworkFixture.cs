namespace Incus.Tests.Integration;

/// <summary>The bridge fixture with <c>firewall.driver=xtables</c> set before any network or NIC exists.</summary>
public sealed class XtBridgeNetworkFixture : BridgeNetworkFixture
{
    protected override string? FirewallDriver => "xtables";
}
