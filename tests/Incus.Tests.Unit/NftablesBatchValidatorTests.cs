using System.Text.Json;
using Incus.Helpers;
using Incus.Helpers.Net;
using Incus.Plugins.FirewallNft;
using Incus.Sdk.Drivers;

namespace Incus.Tests.Unit;

public sealed class NftablesBatchValidatorTests
{
    [Fact]
    public void TheBridgeRulesOfTheNftDriverPass()
    {
        var commands = NftFirewallDriver.NetworkCommands(new NetworkFirewallSpec
        {
            Bridge = "incusbr0",
            Families =
            [
                new NetworkFirewallFamily { Family = "ipv4", Subnet = "192.0.2.0/24", Nat = true, Routing = true, Dhcp = true },
                new NetworkFirewallFamily { Family = "ipv6", Subnet = "2001:db8:1::/64", Nat = false, Routing = false, Dhcp = true },
            ],
        });
        string json = NftablesBatchValidator.Validate(NftJson.Document(commands));
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal(commands.Count, parsed.RootElement.GetProperty("nftables").GetArrayLength());
        Assert.Contains("masquerade", json);
        Assert.Contains("\"reject\"", json);
    }

    [Theory]
    [InlineData("{\"nftables\":[{\"flush\":{\"ruleset\":null}}]}", "not allowed")]
    [InlineData("{\"nftables\":[{\"add\":{\"table\":{\"family\":\"inet\",\"name\":\"filter\"}}}]}", "only the table")]
    [InlineData("{\"nftables\":[{\"delete\":{\"chain\":{\"family\":\"ip\",\"table\":\"nat\",\"name\":\"POSTROUTING\"}}}]}", "only the table")]
    [InlineData("{\"nftables\":[{\"add\":{\"rule\":{\"family\":\"inet\",\"table\":\"incus\",\"chain\":\"a b\",\"expr\":[]}}}]}", "plain identifier")]
    [InlineData("{\"nftables\":[{\"list\":{\"ruleset\":null}}]}", "not allowed")]
    [InlineData("{\"nftables\":[{\"add\":{\"table\":{\"family\":\"evil\",\"name\":\"incus\"}}}]}", "family")]
    [InlineData("{\"nftables\":[{\"add\":{\"table\":{\"name\":\"incus\"}}}]}", "family")]
    [InlineData("{\"nftables\":[]}", "1 to")]
    [InlineData("{\"other\":[]}", "expected")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("{\"nftables\":[{\"add\":{\"table\":{\"family\":\"inet\",\"name\":\"incus\"}},\"flush\":{\"ruleset\":null}}]}", "one member")]
    public void RefusesAnythingOutsideTableIncus(string json, string expected)
    {
        var refusal = Assert.Throws<HelperRequestException>(() => NftablesBatchValidator.Validate(json));
        Assert.Contains(expected, refusal.Message);
    }
}
