using Incus.Helpers;
using Incus.Helpers.Net;
using Incus.Sdk.Helpers;

namespace Incus.Tests.Unit;

public sealed class DnsmasqArgumentsTests
{
    private static readonly NetworkFiles Files = NetworkFiles.For("/var/lib/incus", "incusbr0");

    private static DnsmasqSpec Spec => new()
    {
        Bridge = "incusbr0",
        Ipv4Address = "192.0.2.1",
        Ipv4DhcpRanges = ["192.0.2.2-192.0.2.254"],
        Ipv6Address = "2001:db8:1::1/64",
        Ipv6RouterAdvertisements = true,
        Ipv6Dhcp = "stateless",
        DnsDomain = "incus",
    };

    [Fact]
    public void ArgvIsBuiltFromTheTypedSpec()
    {
        var argv = DnsmasqArguments.Build(Spec, Files, ("dnsmasq", "nogroup"));
        Assert.Contains("--interface=incusbr0", argv);
        Assert.Contains("--dhcp-range=192.0.2.2,192.0.2.254,3600", argv);
        Assert.Contains("--dhcp-range=::,constructor:incusbr0,ra-stateless,ra-names", argv);
        Assert.Contains("--dhcp-hostsfile=/var/lib/incus/networks/incusbr0/dnsmasq.hosts", argv);
        Assert.Contains("--server=/incus/", argv);
        Assert.Contains("--dhcp-ignore-names", argv);
        Assert.Contains("--conf-file=/dev/null", argv);
        Assert.Contains("--user=dnsmasq", argv);
    }

    [Fact]
    public void NoDnsMeansPortZeroAndNoNames()
    {
        var argv = DnsmasqArguments.Build(Spec with { DnsDomain = null }, Files, ("dnsmasq", "nogroup"));
        Assert.Contains("--port=0", argv);
        Assert.DoesNotContain("--dhcp-ignore-names", argv);
    }

    [Fact]
    public void DynamicDnsLetsClientsNameThemselvesAndStatefulDhcpv6GetsARange()
    {
        var argv = DnsmasqArguments.Build(Spec with { ClientNames = true, Ipv6Dhcp = "stateful" }, Files, ("dnsmasq", "nogroup"));
        Assert.DoesNotContain("--dhcp-ignore-names", argv);
        Assert.Contains("--dhcp-range=::2,::ffff:ffff:ffff:fffe,constructor:incusbr0,64,3600", argv);
    }

    [Theory]
    [InlineData("incus\n--conf-file=/etc/shadow")]
    [InlineData("-bad.example")]
    [InlineData("a..b")]
    [InlineData("exa mple")]
    public void HostileDomainsAreRefused(string domain) =>
        Assert.Throws<HelperRequestException>(() => DnsmasqArguments.Build(Spec with { DnsDomain = domain }, Files, ("dnsmasq", "nogroup")));

    [Theory]
    [InlineData("192.0.2.2,192.0.2.9")]
    [InlineData("192.0.2.2-192.0.2.9,--port=53")]
    [InlineData("2001:db8::2-2001:db8::9")]
    public void HostileRangesAreRefused(string range) =>
        Assert.Throws<HelperRequestException>(() => DnsmasqArguments.Build(Spec with { Ipv4DhcpRanges = [range] }, Files, ("dnsmasq", "nogroup")));

    [Fact]
    public void DhcpWithoutAnAddressIsRefused()
    {
        Assert.Throws<HelperRequestException>(() => DnsmasqArguments.Build(Spec with { Ipv4Address = null }, Files, ("dnsmasq", "nogroup")));
        Assert.Throws<HelperRequestException>(() => DnsmasqArguments.Build(Spec with { Ipv6Address = null }, Files, ("dnsmasq", "nogroup")));
    }

    [Fact]
    public void BridgeNamesThatClimbOutOfTheNetworksDirectoryAreRefused() =>
        Assert.Throws<HelperRequestException>(() => NetworkFiles.For("/var/lib/incus", ".."));
}
