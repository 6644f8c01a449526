using Incus.Plugins.NetworkBridge;
using Incus.Sdk.Helpers;

namespace Incus.Tests.Unit;

public sealed class BridgedNicFilterTests
{
    private static readonly BridgeConfig Bridge = BridgeConfig.Read("br", new Dictionary<string, string>
    {
        ["ipv4.address"] = "192.0.2.1/24", ["ipv4.dhcp.ranges"] = "192.0.2.100-192.0.2.110", ["ipv6.address"] = "2001:db8:1::1/64",
    });
    private const string Mac = "10:66:6a:92:f3:c1";

    [Fact]
    public void AnIpv4ReservationIsKeptThenTheLeaseThenTheFirstFree()
    {
        var leases = new List<DnsmasqLease>
        {
            new() { HwAddr = "10:66:6a:00:00:09", Address = "192.0.2.100", Hostname = "" },
            new() { HwAddr = Mac, Address = "192.0.2.105", Hostname = "" },
        };
        Assert.Equal("192.0.2.103", BridgedNicFilter.ReserveIpv4(Bridge, Mac, "192.0.2.103", new HashSet<string>(), leases));
        Assert.Equal("192.0.2.105", BridgedNicFilter.ReserveIpv4(Bridge, Mac, "192.0.2.200", new HashSet<string>(), leases));
        Assert.Equal("192.0.2.102", BridgedNicFilter.ReserveIpv4(Bridge, Mac, null, new HashSet<string> { "192.0.2.101" }, leases.Take(1).ToList()));
        Assert.Null(BridgedNicFilter.ReserveIpv4(Bridge, Mac, null, Enumerable.Range(100, 11).Select(i => $"192.0.2.{i}").ToHashSet(), []));
    }

    [Fact]
    public void AnIpv6ReservationIsTheEui64AddressUnlessTaken()
    {
        Assert.Equal("2001:db8:1:0:1266:6aff:fe92:f3c1", BridgedNicFilter.ReserveIpv6(Bridge, Mac, null, new HashSet<string>()));
        Assert.Equal("2001:db8:1::2", BridgedNicFilter.ReserveIpv6(Bridge, Mac, null, new HashSet<string> { "2001:db8:1:0:1266:6aff:fe92:f3c1" }));
        Assert.Equal("2001:db8:1::9", BridgedNicFilter.ReserveIpv6(Bridge, Mac, "2001:db8:1::9", new HashSet<string>()));
    }

    [Fact]
    public void AllowedSourcesAreTheAddressAndItsRoutesOrNothingForNone()
    {
        var config = new Dictionary<string, string> { ["ipv4.address"] = "192.0.2.2", ["ipv4.routes"] = "198.51.100.0/24", ["ipv4.routes.external"] = "203.0.113.0/24" };
        Assert.Equal(["192.0.2.2", "198.51.100.0/24", "203.0.113.0/24"], BridgedNicFilter.Allowed(config, "ipv4", null));
        config["ipv4.address"] = "none";
        Assert.Empty(BridgedNicFilter.Allowed(config, "ipv4", null));
        Assert.Equal(["2001:db8:1::5"], BridgedNicFilter.Allowed(new Dictionary<string, string>(), "ipv6", "2001:db8:1::5"));
    }

    [Theory]
    [InlineData("security.ipv4_filtering", "maybe", "security.ipv4_filtering")]
    [InlineData("ipv4.routes", "198.51.100.0/24,2001:db8::/64", "ipv4.routes")]
    [InlineData("ipv6.routes.external", "2001:db8::/129", "ipv6.routes.external")]
    [InlineData("ipv4.address", "none", "security.ipv4_filtering")]
    public void BadFilterKeysAreRefusedNamingTheKey(string key, string value, string named) =>
        Assert.Contains(named, new BridgedNicDriver().ValidateConfig(new Dictionary<string, string> { ["network"] = "br", [key] = value }));

    [Fact]
    public void AFilterNeedsAnAddressOrAWayToReserveOne()
    {
        var driver = new BridgedNicDriver();
        var noDhcp = new Dictionary<string, string> { ["ipv4.address"] = "192.0.2.1/24", ["ipv4.dhcp"] = "false" };
        var nic = new Dictionary<string, string> { ["network"] = "br", ["security.ipv4_filtering"] = "true" };
        Assert.Contains("ipv4.address", driver.ValidateConfig(nic, noDhcp));
        nic["ipv4.address"] = "192.0.2.9";
        Assert.Null(driver.ValidateConfig(nic, noDhcp));
        nic["ipv4.address"] = "none";
        Assert.Null(driver.ValidateConfig(nic, noDhcp));
        nic["ipv4.address"] = "192.0.2.1";
        Assert.Contains("itself", driver.ValidateConfig(nic, noDhcp));
        Assert.Contains("ipv6.address", driver.ValidateConfig(new Dictionary<string, string> { ["network"] = "br", ["security.ipv6_filtering"] = "true" }, noDhcp));
    }

    [Theory]
    [InlineData("ipv4", "IPv4", "192.0.2.2")]
    [InlineData("ipv6", "IPv6", "2001:db8::2")]
    public void OnAnUnmanagedBridgeAFilteredFamilyNeedsItsAddressAndAnUnfilteredOneMayNotHaveOne(string family, string familyName, string address)
    {
        var driver = new BridgedNicDriver();
        string filter = $"security.{family}_filtering";
        var nic = new Dictionary<string, string> { ["type"] = "nic", ["nictype"] = "bridged", ["parent"] = "br0" };
        Assert.Null(driver.ValidateUnmanagedParent(nic));

        nic[filter] = "true";
        Assert.Equal($"{familyName} filtering requires a manually specified {family}.address when using an unmanaged parent bridge",
            driver.ValidateUnmanagedParent(nic));
        nic[$"{family}.address"] = address;
        Assert.Null(driver.ValidateUnmanagedParent(nic));
        nic[$"{family}.address"] = "none";
        Assert.Null(driver.ValidateUnmanagedParent(nic));

        nic.Remove(filter);
        nic[$"{family}.address"] = address;
        Assert.Equal($"Cannot use manually specified {family}.address when using unmanaged parent bridge", driver.ValidateUnmanagedParent(nic));
        nic[filter] = "false";
        Assert.NotNull(driver.ValidateUnmanagedParent(nic));
    }

    [Fact]
    public void AnUnmanagedParentIsStillCheckedAsAnInterfaceName()
    {
        var driver = new BridgedNicDriver();
        Assert.Contains("not a valid interface name", driver.ValidateUnmanagedParent(new Dictionary<string, string> { ["parent"] = "br0\nlink" }));
        Assert.Contains("not a valid interface name", driver.ValidateUnmanagedParent(new Dictionary<string, string> { ["parent"] = "../br0" }));
        Assert.Contains("\"parent\"", driver.ValidateUnmanagedParent(new Dictionary<string, string> { ["network"] = "br0" }));
    }
}
