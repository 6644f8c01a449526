namespace Incus.Tests.Integration;

/// <summary>
/// incus-driver-check, as installed in the stage, on the in-tree plugins and on a deliberately broken
/// driver. The sample's run is in <see cref="SdkSampleTests"/>, which builds it from the packed SDK.
/// </summary>
public sealed class DriverConformanceTests
{
    public static Task<Command.Result> CheckAsync(string pluginFolder, params string[] options) =>
        Command.RunAsync(Path.Combine(Stage.Directory, "driver-check", "incus-driver-check"), [.. options, pluginFolder], timeout: TimeSpan.FromMinutes(3));

    [Fact]
    public async Task TheInTreeStorageDirPluginPasses()
    {
        var result = await CheckAsync(Path.Combine(Stage.Directory, "plugins", "storage-dir"));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("PASS  dir: leftovers: delete removes everything create made", result.Output);
        Assert.Contains("PASS  dir: confinement: create touched only the pool's own directory", result.Output);
        Assert.DoesNotContain("FAIL", result.Output);
    }

    [Fact]
    public async Task ABrokenStorageDriverFailsOnLeftoversAndConfinement()
    {
        var result = await CheckAsync(FixturePlugins.Output("LeakyStoragePlugin"));
        Assert.True(result.ExitCode == 1, result.Output + result.Error);
        Assert.Contains("FAIL  leaky: leftovers: delete removes everything create made", result.Output);
        Assert.Contains("FAIL  leaky: confinement: refuses source=/etc: ValidateConfig accepted source=/etc", result.Output);
        Assert.Contains("FAIL  leaky: refuses an unknown config key", result.Output);
        // What it does right still passes: the kit reports each check, not a blanket verdict.
        Assert.Contains("PASS  leaky: create: the pool exists beneath the storage root", result.Output);
    }

    [Fact]
    public async Task APluginTheLoaderRefusesFails()
    {
        var result = await CheckAsync(FixturePlugins.Output("ThrowingPlugin"));
        Assert.True(result.ExitCode == 1, result.Output + result.Error);
        Assert.Contains("FAIL  load: the daemon's loader accepts the plugin: InvalidOperationException: this plugin always fails", result.Output);
    }

    // The spoof behaviour rows every firewall driver must pass, by the names the kit reports.
    public static readonly string[] FirewallRows =
    [
        "probe: the driver works in a fresh network namespace",
        "control: without a filter, every forged frame of this suite reaches the victim",
        "MAC filter: a forged Ethernet source is dropped",
        "MAC filter: ARP with a forged sender MAC is dropped",
        "MAC filter: a neighbour advert with a forged link-layer option is dropped",
        "IPv4 filter: a forged IPv4 source is dropped",
        "IPv4 filter: ARP with a forged sender IP is dropped",
        "IPv6 filter: a forged IPv6 source is dropped",
        "IPv6 filter: a neighbour advert for another's address is dropped",
        "IPv6 filter: a router advertisement is dropped",
        "IP filter: an 802.1Q-tagged IPv4 frame is dropped",
        "IP filter: an unknown ethertype (0x88b5) is dropped",
        "drift check: MissingNicFiltersAsync names exactly the NICs without a filter",
        "clear: ClearNicFilterAsync restores passage",
        "remove everything: RemoveEverythingAsync leaves nothing",
    ];

    private static readonly string[] ArpRows = ["MAC filter: ARP with a forged sender MAC is dropped", "IPv4 filter: ARP with a forged sender IP is dropped"];

    [Theory]
    [InlineData("firewall-nft", "nftables")]
    [InlineData("firewall-xt", "xtables")]
    public async Task TheInTreeFirewallPluginsPassTheSpoofBehaviourSuite(string plugin, string driver)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await CheckAsync(Path.Combine(Stage.Directory, "plugins", plugin));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        foreach (string row in FirewallRows)
        {
            Assert.Contains($"PASS  {driver}: {row}", result.Output);
        }
        Assert.DoesNotContain("FAIL", result.Output);
        Assert.Contains($"{FirewallRows.Length + 2} passed, 0 failed", result.Output);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the firewall suite took {clock.Elapsed}");
        await AssertNoNamespaceLeftAsync();
    }

    [Fact]
    public async Task AFirewallDriverWithoutArpSenderChecksFailsExactlyTheArpRows()
    {
        var result = await CheckAsync(FixturePlugins.Output("ArplessFirewallPlugin"));
        Assert.True(result.ExitCode == 1, result.Output + result.Error);
        foreach (string row in ArpRows)
        {
            Assert.Contains($"FAIL  nftables-arpless: {row}", result.Output);
        }
        Assert.Contains("must be dropped but 2 arrived", result.Output);
        // Everything else the broken driver does right still passes: the kit reports each row, not a blanket verdict.
        foreach (string row in FirewallRows.Except(ArpRows))
        {
            Assert.Contains($"PASS  nftables-arpless: {row}", result.Output);
        }
        Assert.Contains($"{FirewallRows.Length} passed, {ArpRows.Length} failed", result.Output);
        await AssertNoNamespaceLeftAsync();
    }

    [Fact]
    public async Task WhenTheTestbedCannotBeBuiltEveryFirewallRowFailsRatherThanPasses()
    {
        // An install directory without helpers: the net helper cannot start, so no frame is ever sent.
        string empty = Directory.CreateTempSubdirectory("incus-dc-test-").FullName;
        try
        {
            var result = await CheckAsync(Path.Combine(Stage.Directory, "plugins", "firewall-nft"), "--libdir", empty);
            Assert.True(result.ExitCode == 1, result.Output + result.Error);
            Assert.Contains("FAIL  nftables: setup: bridge, attacker and victim in network namespaces of their own", result.Output);
            foreach (string row in FirewallRows)
            {
                Assert.Contains($"FAIL  nftables: {row}: not run: the setup failed", result.Output);
            }
            Assert.DoesNotContain("PASS  nftables", result.Output);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task AKindWithoutASuiteIsReportedAsNotCheckedRatherThanPassed()
    {
        var result = await CheckAsync(Path.Combine(Stage.Directory, "plugins", "network-bridge"));
        Assert.True(result.ExitCode == 2, result.Output + result.Error);
        Assert.Contains("not checked: this kit has no suite for network drivers (it checks: storage, firewall)", result.Output);
        Assert.DoesNotContain("passed", result.Output);
    }

    // The kit's namespaces are named incus-dc-…; it must delete every one, whatever the outcome.
    private static async Task AssertNoNamespaceLeftAsync()
    {
        var list = await Command.RunAsync("/bin/ip", ["netns", "list"]);
        Assert.DoesNotContain("incus-dc-", list.Output);
    }
}
