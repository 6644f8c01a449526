using System.Text.Json;
using Incus.Helpers;
using Incus.Helpers.Lxc;
using Incus.Helpers.Net;
using Incus.Plugins.FirewallNft;
using Incus.Sdk.Helpers;

namespace Incus.Tests.Unit;

/// <summary>The helper-side checks of routed NICs and the reverse-path rule model.</summary>
public sealed class RoutedHelperValidationTests
{
    [Theory]
    [InlineData("192.0.2.10", "192.0.2.10")]
    [InlineData("2001:DB8:0::10", "2001:db8::10")]
    public void HostAddressesAreReserialised(string value, string expected) => Assert.Equal(expected, RoutedAddresses.HostAddress(value).ToString());

    [Theory]
    [InlineData("192.0.2.10/32")]
    [InlineData("fe80::1")]
    [InlineData("169.254.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("::ffff:192.0.2.1")]
    [InlineData("2001:db8::1%2")]
    [InlineData("192.0.2.1\n")]
    [InlineData("ff02::1")]
    public void HostAddressesRefuseWhatAnInstanceMayNotOwn(string value) =>
        Assert.Throws<HelperRequestException>(() => RoutedAddresses.HostAddress(value));

    [Theory]
    [InlineData("198.51.100.7/24", "198.51.100.0/24")]
    [InlineData("2001:db8:1::5/64", "2001:db8:1::/64")]
    public void RoutedNetworksBecomeTheirNetworkAddress(string value, string expected) => Assert.Equal(expected, RoutedAddresses.RoutedNetwork(value).Text);

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("128.0.0.0/1")]
    [InlineData("::/0")]
    [InlineData("2000::/3")]
    [InlineData("224.0.0.0/8")]
    [InlineData("fe80::/64")]
    public void RoutesThatWouldTakeTheHostsTrafficAreRefused(string value) =>
        Assert.Throws<HelperRequestException>(() => RoutedAddresses.RoutedNetwork(value));

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(-1)]
    public void TheLocalAndUnspecifiedTablesAreRefused(int table) =>
        Assert.Throws<HelperRequestException>(() => RoutedAddresses.Tables([table], "tables"));

    [Fact]
    public void TheReversePathRuleIsOneChainPerVethAndPassesTheHelpersBatchCheck()
    {
        var commands = NftFirewallDriver.ReversePathCommands("veth1234abcd");
        string json = NftablesBatchValidator.Validate(NftJson.Document(commands));
        using var parsed = JsonDocument.Parse(json);
        var chain = parsed.RootElement.GetProperty("nftables").EnumerateArray()
            .Select(c => c.TryGetProperty("add", out var add) && add.TryGetProperty("chain", out var spec) ? spec : default)
            .Single(c => c.ValueKind == JsonValueKind.Object);
        Assert.Equal("prert.veth1234abcd", chain.GetProperty("name").GetString());
        Assert.Equal("prerouting", chain.GetProperty("hook").GetString());
        Assert.Equal(-300, chain.GetProperty("prio").GetInt32());
        // Flushed and refilled in the same transaction, with the fib check and a drop.
        Assert.Contains("\"flush\":{\"chain\"", json);
        Assert.Contains("\"fib\":{\"result\":\"oif\",\"flags\":[\"saddr\",\"iif\"]}", json);
        Assert.Contains("\"right\":false", json);
        Assert.Contains("\"drop\":null", json);
        Assert.Contains("\"right\":\"veth1234abcd\"", json);
    }

    [Fact]
    public void InsideAddressesBecomeLxcLinesWithAZeroBroadcastForA32()
    {
        var spec = new ContainerSpec
        {
            Instance = "c1", Pool = "default", Privileged = true, IdmapStart = 0, IdmapSize = 0,
            Nics =
            [
                new ContainerNic
                {
                    Link = "vp0", Name = "eth0",
                    Addresses = new ContainerNicAddresses { Ipv4 = ["192.0.2.10/32"], Ipv6 = ["2001:DB8::10/128"], Ipv4Gateway = "169.254.0.1", Ipv6Gateway = "fe80::1" },
                },
            ],
        };
        string config = LxcConfig.Build(spec, "/var/lib/incus/storage-pools/default/containers/c1/rootfs", "/var/log/c1.log");
        Assert.Contains("lxc.net.0.ipv4.address = 192.0.2.10/32 0.0.0.0\n", config);
        Assert.Contains("lxc.net.0.ipv6.address = 2001:db8::10/128\n", config);
        Assert.Contains("lxc.net.0.ipv4.gateway = 169.254.0.1\n", config);
        Assert.Contains("lxc.net.0.ipv6.gateway = fe80::1\n", config);
    }

    [Theory]
    [InlineData("192.0.2.10/32\nlxc.hook.pre-start = /bin/sh", null)]
    [InlineData("192.0.2.10", null)]
    [InlineData("2001:db8::10/128", null)]
    [InlineData("224.0.0.1/32", null)]
    [InlineData("192.0.2.10/32", "169.254.0.1 0.0.0.0")]
    [InlineData("192.0.2.10/32", "fe80::1")]
    public void InsideAddressesThatAreNotCleanIpv4AreRefused(string address, string? gateway) =>
        Assert.Throws<HelperRequestException>(() => NicAddressing.Normalize(new ContainerNicAddresses { Ipv4 = [address], Ipv4Gateway = gateway }));

    [Fact]
    public void HotPlugCommandsAreBuiltFromCheckedValues()
    {
        string commands = NicAddressing.InsideCommands("eth1", new ContainerNicAddresses
        {
            Ipv4 = ["192.0.2.50/32"], Ipv6 = ["2001:db8::50/128"], Ipv4Gateway = "169.254.0.1", Ipv6Gateway = "fe80::1",
        });
        Assert.Equal(
            "address add 192.0.2.50/32 dev eth1\naddress add 2001:db8::50/128 dev eth1\n"
            + "route add 169.254.0.1/32 dev eth1 scope link\nroute add default via 169.254.0.1 dev eth1\nroute add default via fe80::1 dev eth1\n",
            commands);
        Assert.Throws<HelperRequestException>(() => NicAddressing.InsideCommands("eth1 up", new ContainerNicAddresses()));
    }
}
