using Incus.Helpers.Net;

namespace Incus.Tests.Unit;

public sealed class SysctlAllowlistTests
{
    [Theory]
    [InlineData("ipv6", "accept_ra", "0")]
    [InlineData("ipv4", "rp_filter", "1")]
    [InlineData("ipv4", "forwarding", "1")]
    [InlineData("ipv6", "disable_ipv6", "1")]
    [InlineData("ipv6", "proxy_ndp", "1")]
    public void AllowsListedKeysAndValues(string family, string key, string value) =>
        Assert.Null(SysctlAllowlist.Check(family, key, value));

    [Theory]
    [InlineData("ipv4", "accept_ra", "0")]
    [InlineData("ipv6", "rp_filter", "1")]
    [InlineData("ipv4", "../../kernel/core_pattern", "x")]
    [InlineData("ipv4", "forwarding", "2")]
    [InlineData("ipv4", "forwarding", "1\n")]
    [InlineData("ipv6", "accept_ra", "-1")]
    [InlineData("core", "somaxconn", "1")]
    public void RefusesEverythingElse(string family, string key, string value) =>
        Assert.NotNull(SysctlAllowlist.Check(family, key, value));
}
