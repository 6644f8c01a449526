using Incus.Plugins.NetworkBridge;

namespace Incus.Tests.Unit;

public sealed class BridgeNetworkDriverTests
{
    private readonly BridgeNetworkDriver _driver = new();

    [Theory]
    [InlineData("ipv4.address", "192.0.2.1/24")]
    [InlineData("ipv4.address", "auto")]
    [InlineData("ipv4.address", "none")]
    [InlineData("ipv6.address", "2001:db8:1::1/64")]
    [InlineData("ipv4.nat", "true")]
    [InlineData("dns.mode", "dynamic")]
    [InlineData("dns.domain", "lab.example")]
    [InlineData("bridge.mtu", "1400")]
    [InlineData("bridge.hwaddr", "10:66:6a:00:00:01")]
    [InlineData("user.note", "anything")]
    public void AcceptsDocumentedValues(string key, string value) =>
        Assert.Null(_driver.ValidateConfig(new Dictionary<string, string> { [key] = value }));

    [Theory]
    [InlineData("ipv4.address", "192.0.2.0/24")]
    [InlineData("ipv4.address", "192.0.2.255/24")]
    [InlineData("ipv4.address", "192.0.2.1/31")]
    [InlineData("ipv4.address", "2001:db8::1/64")]
    [InlineData("ipv6.address", "192.0.2.1/24")]
    [InlineData("ipv6.address", "fe80::1%eth0/64")]
    [InlineData("ipv4.nat", "perhaps")]
    [InlineData("dns.mode", "everything")]
    [InlineData("dns.domain", "bad domain")]
    [InlineData("bridge.mtu", "576")]
    [InlineData("bridge.hwaddr", "01:00:5e:00:00:01")]
    [InlineData("raw.dnsmasq", "conf-file=/etc/shadow")]
    public void RefusesOtherValuesNamingTheKey(string key, string value) =>
        Assert.Contains(key, _driver.ValidateConfig(new Dictionary<string, string> { [key] = value }));

    [Fact]
    public void DhcpRangesMustLieInsideTheSubnet()
    {
        var config = new Dictionary<string, string> { ["ipv4.address"] = "192.0.2.1/24", ["ipv4.dhcp.ranges"] = "192.0.2.10-198.51.100.1" };
        Assert.Contains("ipv4.dhcp.ranges", _driver.ValidateConfig(config));
        config["ipv4.dhcp.ranges"] = "192.0.2.10-192.0.2.20,192.0.2.30-192.0.2.40";
        Assert.Null(_driver.ValidateConfig(config));
    }

    [Fact]
    public void AutoPicksFreeSubnetsAndTurnsOnNat()
    {
        var used = Enumerable.Range(0, 256).Select(i => $"10.{i}.0.0/16").Take(255).ToList();
        var filled = _driver.FillConfig("br", new Dictionary<string, string> { ["ipv4.address"] = "auto", ["ipv6.address"] = "none" }, used);
        Assert.StartsWith("10.255.", filled["ipv4.address"]);
        Assert.EndsWith(".1/24", filled["ipv4.address"]);
        Assert.Equal("true", filled["ipv4.nat"]);
        Assert.Equal("none", filled["ipv6.address"]);
        Assert.False(filled.ContainsKey("ipv6.nat"));
    }

    [Fact]
    public void ExplicitValuesAreKept()
    {
        var filled = _driver.FillConfig("br", new Dictionary<string, string> { ["ipv4.address"] = "192.0.2.1/24", ["ipv4.nat"] = "false", ["ipv6.address"] = "none" }, []);
        Assert.Equal("192.0.2.1/24", filled["ipv4.address"]);
        Assert.Equal("false", filled["ipv4.nat"]);
    }

    [Fact]
    public void Ipv6AutoIsAUniqueLocalSlash64()
    {
        string picked = SubnetPicker.PickIpv6([]);
        Assert.StartsWith("fd42:", picked);
        Assert.EndsWith("::1/64", picked);
    }

    [Fact]
    public void TheDefaultDhcpRangeSkipsTheNetworkGatewayAndBroadcast()
    {
        var config = BridgeConfig.Read("br", new Dictionary<string, string> { ["ipv4.address"] = "192.0.2.1/24" });
        Assert.Equal(["192.0.2.2-192.0.2.254"], config.Ipv4DhcpRanges);
    }

    [Fact]
    public void BridgedNicsCheckTheirKeys()
    {
        var nic = new BridgedNicDriver();
        Assert.Null(nic.ValidateConfig(new Dictionary<string, string> { ["type"] = "nic", ["network"] = "br", ["hwaddr"] = "10:66:6a:00:00:02" }));
        Assert.Null(nic.ValidateConfig(new Dictionary<string, string> { ["type"] = "nic", ["network"] = "br", ["security.mac_filtering"] = "true" }));
        Assert.Contains("security.port_isolation", nic.ValidateConfig(new Dictionary<string, string> { ["type"] = "nic", ["network"] = "br", ["security.port_isolation"] = "true" }));
        Assert.Contains("parent", nic.ValidateConfig(new Dictionary<string, string> { ["type"] = "nic", ["network"] = "br", ["parent"] = "br" }));
        Assert.Contains("ipv4.address", nic.ValidateConfig(new Dictionary<string, string> { ["type"] = "nic", ["network"] = "br", ["ipv4.address"] = "192.0.2.5/24" }));
        Assert.Equal(BridgedNicDriver.PeerName("veth12345678"), BridgedNicDriver.PeerName("veth12345678"));
        Assert.True(BridgedNicDriver.PeerName("veth12345678").Length <= 15);
    }

    [Fact]
    public void RoutesOfOneFamilyAreLimitedTogetherWithTheirExternalOnes()
    {
        var nic = new BridgedNicDriver();
        static string Routes(int first, int count) => string.Join(',', Enumerable.Range(first, count).Select(i => $"198.51.{i / 256}.{i % 256}/32"));
        Dictionary<string, string> Config(int routes, int external) => new()
        {
            ["type"] = "nic", ["network"] = "br", ["security.ipv4_filtering"] = "true", ["ipv4.routes"] = Routes(0, routes),
            ["ipv4.routes.external"] = Routes(routes, external),
        };
        Assert.Null(nic.ValidateConfig(Config(BridgedNicDriver.MaxRoutesPerFamily - 6, 6)));
        string? refused = nic.ValidateConfig(Config(BridgedNicDriver.MaxRoutesPerFamily - 6, 7));
        Assert.Contains("\"ipv4.routes\"", refused);
        Assert.Contains($"at most {BridgedNicDriver.MaxRoutesPerFamily}", refused);
    }
}
