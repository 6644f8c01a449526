using Incus.Plugins.NetworkRouted;

namespace Incus.Tests.Unit;

public sealed class RoutedNicRulesTests
{
    private static Dictionary<string, string> Nic(params (string Key, string Value)[] keys)
    {
        var config = new Dictionary<string, string> { ["type"] = "nic", ["nictype"] = "routed", ["parent"] = "eth0" };
        foreach (var (key, value) in keys)
        {
            config[key] = value;
        }
        return config;
    }

    [Fact]
    public void AFullRoutedNicIsAccepted()
    {
        Assert.Null(RoutedNicRules.Validate(Nic(
            ("ipv4.address", "192.0.2.10, 192.0.2.11"), ("ipv6.address", "2001:db8::10"), ("ipv4.routes", "198.51.100.0/24"), ("ipv6.routes", "2001:db8:1::/64"),
            ("ipv4.gateway", "none"), ("ipv6.gateway", "auto"), ("ipv4.host_table", "100"), ("ipv6.host_table", "254"),
            ("ipv4.neighbor_probe", "false"), ("ipv6.neighbor_probe", "on"), ("mtu", "1400"), ("hwaddr", "10:66:6a:00:00:01"), ("name", "eth1"),
            ("host_name", "vethtest"), ("vlan", "100"))));
    }

    [Theory]
    [InlineData("ipv4.address", "192.0.2.10,192.0.2.10", "listed twice")]
    [InlineData("ipv4.address", "192.0.2.10/24", "plain IPv4")]
    [InlineData("ipv4.address", "2001:db8::1", "plain IPv4")]
    [InlineData("ipv4.address", "169.254.0.1", "not a unicast address")]
    [InlineData("ipv4.address", "224.0.0.1", "not a unicast address")]
    [InlineData("ipv6.address", "fe80::1", "not a unicast address")]
    [InlineData("ipv6.address", "ff02::1", "not a unicast address")]
    [InlineData("ipv6.address", "2001:db8::1%eth0", "plain IPv6")]
    [InlineData("ipv4.routes", "0.0.0.0/0", "wider than")]
    [InlineData("ipv6.routes", "2000::/3", "wider than")]
    [InlineData("ipv4.routes", "198.51.100.0", "CIDR")]
    [InlineData("ipv4.gateway", "192.0.2.1", "not auto or none")]
    [InlineData("ipv4.host_table", "255", "between 1 and 254")]
    [InlineData("ipv4.neighbor_probe", "maybe", "not a boolean")]
    [InlineData("vlan", "4095", "VLAN id")]
    [InlineData("mtu", "100", "MTU")]
    [InlineData("hwaddr", "01:00:5e:00:00:01", "unicast MAC")]
    [InlineData("host_name", "a\nb", "interface name")]
    [InlineData("parent", "../../etc", "interface name")]
    [InlineData("security.ipv4_filtering", "true", "unknown key")]
    [InlineData("vrf", "blue", "unknown key")]
    public void BadValuesNameTheKey(string key, string value, string message)
    {
        string? error = RoutedNicRules.Validate(Nic((key, value)));
        Assert.NotNull(error);
        Assert.Contains($"\"{key}\"", error);
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("ipv4")]
    [InlineData("ipv6")]
    public void RoutesNeedAnAddressOfTheirFamily(string family)
    {
        string route = family == "ipv4" ? "198.51.100.0/24" : "2001:db8:1::/64";
        Assert.Contains($"requires \"{family}.address\"", RoutedNicRules.Validate(Nic(($"{family}.routes", route))));
    }

    [Fact]
    public void AVlanNeedsAParentAndAShortEnoughName()
    {
        var withoutParent = Nic(("vlan", "5"));
        withoutParent.Remove("parent");
        Assert.Contains("requires \"parent\"", RoutedNicRules.Validate(withoutParent));
        Assert.Contains("longer than 15", RoutedNicRules.Validate(Nic(("parent", "enp0s31f6abcde"), ("vlan", "1234"))));
    }

    [Fact]
    public void HostTablesFollowIncusLegacyMeaning()
    {
        var config = RoutedNicConfig.Read(Nic(("ipv4.host_table", "100"), ("ipv6.host_table", "254")));
        Assert.Equal([100, 254], config.Ipv4Tables);
        Assert.Equal([254], config.Ipv6Tables);
        Assert.Equal([254], RoutedNicConfig.Read(Nic()).Ipv4Tables);
    }

    [Fact]
    public void ProbesAndGatewaysDefaultToOnAndTheVlanMakesTheEffectiveParent()
    {
        var config = RoutedNicConfig.Read(Nic(("vlan", "42"), ("ipv6.neighbor_probe", "false"), ("ipv4.gateway", "none")));
        Assert.True(config.Ipv4NeighborProbe);
        Assert.False(config.Ipv6NeighborProbe);
        Assert.False(config.Ipv4GatewayAuto);
        Assert.True(config.Ipv6GatewayAuto);
        Assert.Equal("eth0.42", config.EffectiveParent);
    }
}
