using System.Text;

namespace Incus.Tests.Integration;

/// <summary>
/// <c>firewall.driver</c>: switching nftables → xtables → nftables with a filtered NIC running keeps
/// its forged frames dropped after each switch and leaves nothing of the inactive driver behind.
/// </summary>
public sealed class FirewallDriverSwitchTests(BridgeNetworkFixture fixture) : IClassFixture<BridgeNetworkFixture>, IAsyncLifetime
{
    private const string SpoofedMac = "02:00:00:00:00:66";
    private readonly NicFilterHarness _harness = new(fixture);

    public Task InitializeAsync() => _harness.SetAttackerNicAsync(new Dictionary<string, string>());

    public async Task DisposeAsync()
    {
        await fixture.Api(HttpMethod.Patch, "/1.0", new { config = new Dictionary<string, string> { ["firewall.driver"] = "auto" } }, mustSucceed: false);
        await _harness.SetAttackerNicAsync(new Dictionary<string, string>(), mustSucceed: false);
    }

    [Fact]
    public async Task SwitchingDriversKeepsDroppingForgedFramesAndLeavesNothingOfTheOldDriver()
    {
        await _harness.SetAttackerNicAsync(new Dictionary<string, string> { ["security.mac_filtering"] = "true", ["security.ipv4_filtering"] = "true" });
        Assert.Equal("nftables", await FirewallAsync());
        await AssertFilteredAsync();

        foreach (string driver in new[] { "xtables", "nftables" })
        {
            await fixture.SwitchFirewallAsync(driver);
            Assert.Equal(driver, await FirewallAsync());
            await AssertFilteredAsync();
            var nftTables = await NftIncusTablesAsync();
            var xtLines = await XtablesIncusLinesAsync();
            if (driver == "xtables")
            {
                Assert.Empty(nftTables);
                Assert.NotEmpty(xtLines);
            }
            else
            {
                // The network table and the NIC filter shard tables; not the single table of earlier versions.
                Assert.Equal("table inet incus", nftTables[^1]);
                Assert.NotEmpty(nftTables[..^1]);
                Assert.All(nftTables[..^1], t => Assert.Matches("^table bridge incus-n[0-7]$", t));
                Assert.Empty(xtLines);
            }
        }
    }

    [Fact]
    public async Task AnUnknownDriverIsRefused()
    {
        var answer = await fixture.Api(HttpMethod.Patch, "/1.0", new { config = new Dictionary<string, string> { ["firewall.driver"] = "ipfw" } }, mustSucceed: false);
        Assert.Equal(400, answer.Status);
        Assert.Contains("firewall.driver", answer.Error);
    }

    private async Task AssertFilteredAsync()
    {
        var a = await _harness.PeerAsync(NicFilterHarness.Attacker);
        var b = await _harness.PeerAsync(NicFilterHarness.Victim);
        foreach (var (frame, expected) in new[]
        {
            ($"Ether(src='{SpoofedMac}',dst='ff:ff:ff:ff:ff:ff')/IP(src=a['ip4'],dst='255.255.255.255')", false),
            ("Ether(src=a['mac'],dst='ff:ff:ff:ff:ff:ff')/IP(src='192.0.2.250',dst='255.255.255.255')", false),
            ("Ether(src=a['mac'],dst='ff:ff:ff:ff:ff:ff')/IP(src=a['ip4'],dst='255.255.255.255')", true),
        })
        {
            string marker = NicFilterHarness.NewMarker();
            var (atVictim, atHost) = await _harness.MeasureAsync(a, b, NicFilterHarness.MarkedUdp(frame), Encoding.ASCII.GetBytes(marker), marker: marker);
            Assert.True(expected ? atVictim > 0 && atHost > 0 : atVictim == 0 && atHost == 0, $"{frame}: {atVictim} at the victim, {atHost} at the host");
        }
    }

    private async Task<string> FirewallAsync() =>
        (await UnixHttp.GetAsync(fixture.Daemon.SocketPath, "/1.0")).Metadata.GetProperty("environment").GetProperty("firewall").GetString()!;

    private async Task<List<string>> NftIncusTablesAsync()
    {
        var tables = (await fixture.OnHostAsync("/usr/sbin/nft", "list", "tables")).EnsureSuccess("nft list tables");
        return tables.Output.Split('\n').Select(l => l.Trim()).Where(l => l.EndsWith(" incus", StringComparison.Ordinal) || l.Contains(" incus-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }

    private async Task<List<string>> XtablesIncusLinesAsync()
    {
        var lines = new List<string>();
        foreach (var (tool, table) in new[]
        {
            ("/usr/sbin/ebtables-save", "filter"), ("/usr/sbin/iptables-save", "raw"), ("/usr/sbin/ip6tables-save", "raw"), ("/usr/sbin/iptables-save", "filter"),
            ("/usr/sbin/ip6tables-save", "filter"), ("/usr/sbin/iptables-save", "nat"), ("/usr/sbin/ip6tables-save", "nat"),
        })
        {
            var save = (await fixture.OnHostAsync(tool, "-t", table)).EnsureSuccess(tool);
            lines.AddRange(save.Output.Split('\n').Where(l => l.Contains("INCUS", StringComparison.Ordinal)));
        }
        return lines;
    }
}
