using Incus.Helpers;

namespace Incus.Tests.Unit;

public sealed class RequestValidationTests
{
    [Theory]
    [InlineData("incusbr0")]
    [InlineData("a")]
    [InlineData("veth_12.34-ab")]
    [InlineData("abcdefghijklmno")]
    public void AcceptsValidInterfaceNames(string name) => Assert.Equal(name, RequestValidation.InterfaceName(name));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("abcdefghijklmnop")]
    [InlineData("-f")]
    [InlineData("--foo")]
    [InlineData("br0\n")]
    [InlineData("br\00")]
    [InlineData("../etc")]
    [InlineData("br 0")]
    [InlineData("br/0")]
    [InlineData("brü")]
    [InlineData(null)]
    public void RefusesInvalidInterfaceNames(string? name) =>
        Assert.Throws<HelperRequestException>(() => RequestValidation.InterfaceName(name));

    [Fact]
    public void InterfaceNameLimitIsFifteenBytes()
    {
        var error = Assert.Throws<HelperRequestException>(() => RequestValidation.InterfaceName(new string('x', 16)));
        Assert.Contains("1 to 15 bytes", error.Message);
    }

    [Theory]
    [InlineData("00:16:3E:AA:BB:CC", "00:16:3e:aa:bb:cc")]
    [InlineData("0a:00:27:00:00:01", "0a:00:27:00:00:01")]
    public void CanonicalisesUnicastMacs(string input, string expected) => Assert.Equal(expected, RequestValidation.UnicastMac(input));

    [Theory]
    [InlineData("01:00:5e:00:00:01")]
    [InlineData("ff:ff:ff:ff:ff:ff")]
    [InlineData("00:00:00:00:00:00")]
    [InlineData("00163eaabbcc")]
    [InlineData("00:16:3e:aa:bb:cc\n")]
    [InlineData("--address")]
    public void RefusesBadMacs(string mac) => Assert.Throws<HelperRequestException>(() => RequestValidation.UnicastMac(mac));

    [Theory]
    [InlineData("192.0.2.1/24", "192.0.2.1/24")]
    [InlineData("2001:db8::1/64", "2001:db8::1/64")]
    [InlineData("2001:0db8:0000::0001/64", "2001:db8::1/64")]
    public void ReserialisesCidrs(string input, string expected) => Assert.Equal(expected, RequestValidation.Cidr(input).Text);

    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("192.0.2.1/33")]
    [InlineData("192.0.2.1/-1")]
    [InlineData("192.0.2.1/24 dev lo")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("::ffff:192.0.2.1/120")]
    [InlineData("192.0.2.1/24\naddress add 203.0.113.1/32 dev lo")]
    public void RefusesBadCidrs(string cidr) => Assert.Throws<HelperRequestException>(() => RequestValidation.Cidr(cidr));

    [Fact]
    public void BoundsLists()
    {
        var tooLong = Enumerable.Range(0, RequestValidation.MaxListLength + 1).Select(i => $"192.0.2.{i % 250}/32").ToList();
        var error = Assert.Throws<HelperRequestException>(() => RequestValidation.BoundedList(tooLong, "addresses"));
        Assert.Contains("at most", error.Message);
        Assert.Throws<HelperRequestException>(() => RequestValidation.BoundedList<string>(null, "addresses"));
    }

    [Theory]
    [InlineData(1279)]
    [InlineData(9001)]
    [InlineData(-1)]
    public void RefusesOutOfRangeMtu(int mtu) => Assert.Throws<HelperRequestException>(() => RequestValidation.Mtu(mtu));

    [Fact]
    public void PrintableEscapesControlCharacters() =>
        Assert.Equal("a\\x0ab\\x00", RequestValidation.Printable("a\nb\0"));
}
