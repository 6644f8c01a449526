using Incus.Helpers;
using Incus.Helpers.Net;
using Incus.Plugins.FirewallNft;
using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;

namespace Incus.Tests.Unit;

public sealed class NftablesQueryValidationTests
{
    [Fact]
    public void TheNicFilterTransactionsOfTheNftDriverPass()
    {
        var spec = new NicFilterSpec
        {
            Instance = "c1", Device = "eth0", HostName = "veth1234abcd", HwAddr = "10:66:6a:00:00:01", Ipv4Allowed = ["192.0.2.2"], Ipv6Allowed = [],
        };
        Assert.Contains("in.veth1234abcd", NftablesBatchValidator.Validate(NftJson.Document(NftFirewallDriver.NicFilterCommands(spec))));
        Assert.Contains("fwd.veth1234abcd", NftablesBatchValidator.Validate(NftJson.Document(NftFirewallDriver.ClearCommands("veth1234abcd"))));
    }

    [Fact]
    public void ListingsOfIncusObjectsPass() =>
        Assert.Single(NftablesBatchValidator.ValidateQuery(new NftablesQuery { Objects = [new NftablesObject { Family = "bridge", Kind = "map", Name = "nic-in" }] }));

    [Fact]
    public void ListingsOfAShardTablePass() =>
        Assert.Equal("incus-n3", Assert.Single(NftablesBatchValidator.ValidateQuery(new NftablesQuery
        {
            Objects = [new NftablesObject { Family = "bridge", Table = "incus-n3", Kind = "map", Name = "nic-in" }],
        })).Table);

    [Theory]
    [InlineData("incusx")]
    [InlineData("incus-")]
    [InlineData("incus-N1")]
    [InlineData("incus-n1 x")]
    [InlineData("incus-n123456789")]
    [InlineData("filter")]
    public void TablesNotOursAreRefused(string table)
    {
        Assert.Throws<HelperRequestException>(() => NftablesBatchValidator.ValidateQuery(new NftablesQuery
        {
            Objects = [new NftablesObject { Family = "bridge", Table = table, Kind = "map", Name = "nic-in" }],
        }));
        Assert.Throws<HelperRequestException>(() => NftablesBatchValidator.Validate(
            $"{{\"nftables\":[{{\"add\":{{\"table\":{{\"family\":\"bridge\",\"name\":\"{table}\"}}}}}}]}}"));
    }

    [Theory]
    [InlineData("bridge", "table", "incus")]
    [InlineData("bridge", "ruleset", "x")]
    [InlineData("ether", "map", "nic-in")]
    [InlineData("bridge", "map", "-f")]
    [InlineData("bridge", "chain", "a b")]
    [InlineData("bridge", "chain", "")]
    public void OtherListingsAreRefused(string family, string kind, string name) =>
        Assert.Throws<HelperRequestException>(() => NftablesBatchValidator.ValidateQuery(new NftablesQuery
        {
            Objects = [new NftablesObject { Family = family, Kind = kind, Name = name }],
        }));

    [Fact]
    public void TooManyObjectsAreRefused() =>
        Assert.Throws<HelperRequestException>(() => NftablesBatchValidator.ValidateQuery(new NftablesQuery
        {
            Objects = Enumerable.Range(0, 17).Select(_ => new NftablesObject { Family = "bridge", Kind = "map", Name = "nic-in" }).ToList(),
        }));
}
