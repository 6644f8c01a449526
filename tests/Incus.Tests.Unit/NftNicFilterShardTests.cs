using System.Text.Json;
using Incus.Plugins.FirewallNft;
using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;
using Moq;

namespace Incus.Tests.Unit;

/// <summary>
/// The nftables NIC filters spread over shard tables so that a change pays the kernel's per-commit
/// check of one table only; these pin the layout the drift check, clean-up and docs rely on.
/// </summary>
public sealed class NftNicFilterShardTests
{
    private static NicFilterSpec Spec(string host) => new()
    {
        Instance = "c1", Device = "eth0", HostName = host, HwAddr = "10:66:6a:00:00:01", MacFiltering = true, Ipv4Allowed = ["192.0.2.2"], Ipv6Allowed = ["2001:db8::2"],
    };

    [Fact]
    public void AHostNameAlwaysMapsToTheSameOfTheShardTables()
    {
        Assert.Equal(8, NftBridgeJson.ShardTables.Count);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"incus-n{i}"), NftBridgeJson.ShardTables);
        Assert.Equal(NftBridgeJson.ShardTable("veth1234abcd"), NftBridgeJson.ShardTable("veth1234abcd"));
        Assert.Contains(NftBridgeJson.ShardTable("my-own-name"), NftBridgeJson.ShardTables);
    }

    [Fact]
    public void HostNamesSpreadOverAllShards()
    {
        // The core's names: veth + 8 random hex digits. An uneven spread would bring back the cost
        // that grows with the NICs of one table.
        var random = new Random(5);
        var counts = Enumerable.Range(0, 1000).Select(_ => "veth" + random.Next().ToString("x8", System.Globalization.CultureInfo.InvariantCulture))
            .GroupBy(NftBridgeJson.ShardTable).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(8, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 80, 170));
    }

    [Theory]
    [InlineData("veth1234abcd")]
    [InlineData("veth00000001")]
    [InlineData("eth-x")]
    public void ANicsTransactionsTouchOnlyItsShardTable(string host)
    {
        string shard = NftBridgeJson.ShardTable(host);
        foreach (var commands in new[] { NftFirewallDriver.NicFilterCommands(Spec(host)), NftFirewallDriver.ClearCommands(host) })
        {
            using var json = JsonDocument.Parse(NftJson.Document(commands));
            foreach (var command in json.RootElement.GetProperty("nftables").EnumerateArray())
            {
                var target = command.EnumerateObject().Single().Value.EnumerateObject().Single();
                var fields = target.Value;
                Assert.Equal("bridge", fields.GetProperty("family").GetString());
                Assert.Equal(shard, fields.GetProperty(target.Name == "table" ? "name" : "table").GetString());
            }
        }
    }

    [Fact]
    public void EachShardHasItsOwnBaseChainsWithOneMapLookup()
    {
        string shard = NftBridgeJson.ShardTable("veth1234abcd");
        string json = NftJson.Document(NftFirewallDriver.NicFilterCommands(Spec("veth1234abcd")));
        foreach (var (chain, hook) in new[] { ("nic-in", "input"), ("nic-fwd", "forward") })
        {
            Assert.Contains($"{{\"add\":{{\"chain\":{{\"family\":\"bridge\",\"table\":\"{shard}\",\"name\":\"{chain}\",\"type\":\"filter\",\"hook\":\"{hook}\"", json);
            Assert.Contains($"{{\"add\":{{\"rule\":{{\"family\":\"bridge\",\"table\":\"{shard}\",\"chain\":\"{chain}\",\"expr\":[{{\"vmap\":{{\"key\":{{\"meta\":{{\"key\":\"iifname\"}}}},\"data\":\"@{chain}\"}}}}]}}}}", json);
        }
    }

    [Fact]
    public async Task RemovingEverythingDeletesEveryShardTheOldSingleTableAndTheNetworkTable()
    {
        var helper = new Mock<INetHelper>(MockBehavior.Strict);
        string? json = null;
        helper.Setup(h => h.ApplyNftablesAsync(It.IsAny<NftablesBatch>(), It.IsAny<CancellationToken>()))
            .Callback<NftablesBatch, CancellationToken>((b, _) => json = b.Json).Returns(Task.CompletedTask);
        await new NftFirewallDriver().RemoveEverythingAsync(helper.Object, CancellationToken.None);
        foreach (string table in NftBridgeJson.ShardTables.Append("incus"))
        {
            Assert.Contains($"{{\"delete\":{{\"table\":{{\"family\":\"bridge\",\"name\":\"{table}\"}}}}}}", json);
        }
        Assert.Contains("{\"delete\":{\"table\":{\"family\":\"inet\",\"name\":\"incus\"}}}", json);
    }

    [Fact]
    public async Task OnlyTheNicsOfAShardWithoutItsObjectsAreMissing()
    {
        // Two NICs in different shards; the first one's shard has lost its table.
        var hosts = Enumerable.Range(0, 100).Select(i => $"veth{i:x8}").ToList();
        string lost = hosts[0];
        string kept = hosts.First(h => NftBridgeJson.ShardTable(h) != NftBridgeJson.ShardTable(lost));
        var helper = new Mock<INetHelper>(MockBehavior.Strict);
        var applied = new List<string>();
        helper.Setup(h => h.ListNftablesAsync(It.IsAny<NftablesQuery>(), It.IsAny<CancellationToken>()))
            .Returns<NftablesQuery, CancellationToken>((q, _) => Task.FromResult(Listing(q, NftBridgeJson.ShardTable(kept), kept)));
        helper.Setup(h => h.ApplyNftablesAsync(It.IsAny<NftablesBatch>(), It.IsAny<CancellationToken>()))
            .Callback<NftablesBatch, CancellationToken>((b, _) => applied.Add(b.Json)).Returns(Task.CompletedTask);
        var driver = new NftFirewallDriver();

        Assert.Equal([lost], await driver.MissingNicFiltersAsync([lost, kept], helper.Object, CancellationToken.None));
        // The old single table must stay while a NIC is unfiltered elsewhere.
        Assert.Empty(applied);
        helper.Verify(h => h.ListNftablesAsync(It.Is<NftablesQuery>(q => q.Objects.Any(o => o.Table == "incus")), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task TheOldSingleTableGoesOnceEveryNicIsFilteredInItsShard()
    {
        string host = "veth1234abcd";
        var helper = new Mock<INetHelper>(MockBehavior.Strict);
        var applied = new List<string>();
        helper.Setup(h => h.ListNftablesAsync(It.IsAny<NftablesQuery>(), It.IsAny<CancellationToken>()))
            .Returns<NftablesQuery, CancellationToken>((q, _) => Task.FromResult(q.Objects.All(o => o.Table == "incus")
                ? new NftablesListing { Found = true, Documents = ["{\"nftables\":[]}"] }
                : Listing(q, NftBridgeJson.ShardTable(host), host)));
        helper.Setup(h => h.ApplyNftablesAsync(It.IsAny<NftablesBatch>(), It.IsAny<CancellationToken>()))
            .Callback<NftablesBatch, CancellationToken>((b, _) => applied.Add(b.Json)).Returns(Task.CompletedTask);
        var driver = new NftFirewallDriver();

        Assert.Empty(await driver.MissingNicFiltersAsync([host], helper.Object, CancellationToken.None));
        Assert.Contains("{\"delete\":{\"table\":{\"family\":\"bridge\",\"name\":\"incus\"}}}", Assert.Single(applied));
        // Asked once per daemon run, not on every drift check.
        Assert.Empty(await driver.MissingNicFiltersAsync([host], helper.Object, CancellationToken.None));
        Assert.Single(applied);
    }

    /// <summary>What the helper answers when only <paramref name="table"/> exists, holding <paramref name="host"/>.</summary>
    private static NftablesListing Listing(NftablesQuery query, string table, string host)
    {
        if (query.Objects.Any(o => o.Table != table))
        {
            return new NftablesListing { Found = false, Documents = [] };
        }
        return new NftablesListing
        {
            Found = true,
            Documents = query.Objects.Select(o => o.Kind == "map"
                ? $"{{\"nftables\":[{{\"map\":{{\"family\":\"bridge\",\"name\":\"{o.Name}\",\"table\":\"{table}\",\"elem\":[[\"{host}\",{{\"jump\":{{\"target\":\"x\"}}}}]]}}}}]}}"
                : $"{{\"nftables\":[{{\"rule\":{{\"expr\":[{{\"vmap\":{{\"key\":{{\"meta\":{{\"key\":\"iifname\"}}}},\"data\":\"@{o.Name}\"}}}}]}}}}]}}").ToList(),
        };
    }
}
