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
        "control: without a filter, every forged frame of this suite gets through",
        "MAC filter: a forged Ethernet source is dropped",
        "MAC filter: ARP with a forged sender MAC is dropped",
        "MAC filter: a neighbour advert with a forged link-layer option is dropped",
        "IPv4 filter: a forged IPv4 source is dropped",
        "IPv4 filter: ARP with a forged sender IP is dropped",
        "IPv4 filter: a DHCP discover from a forged MAC, or for a forged client address, does not reach the host",
        "IPv6 filter: a forged IPv6 source is dropped",
        "IPv6 filter: a neighbour advert for another's address is dropped",
        "IPv6 filter: a router advertisement is dropped",
        "IP filter: an 802.1Q-tagged IPv4 frame is dropped",
        "IP filter: an 802.1ad (QinQ) double-tagged IPv4 frame is dropped",
        "both families none: the NIC's own ARP, IPv4 and IPv6 pass while allowed, and none of them once both families are none",
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
        AssertOnlyTheseRowsFail(result.Output, "nftables-arpless", FirewallRows, ArpRows, "");
        Assert.Contains("must be dropped but 2 arrived", result.Output);
        Assert.Contains($"{FirewallRows.Length} passed, {ArpRows.Length} failed", result.Output);
        await AssertNoNamespaceLeftAsync();
    }

    [Fact]
    public Task WhenTheTestbedCannotBeBuiltEveryFirewallRowFailsRatherThanPasses() =>
        // No frame is ever sent.
        AssertEveryRowFailsWithoutHelpersAsync("firewall-nft", "nftables", "setup: bridge, attacker and victim in network namespaces of their own", FirewallRows);

    // The network driver rows, by the names the kit reports.
    public static readonly string[] NetworkRows =
    [
        "name and version",
        "validation: accepts ipv4.address=192.0.2.1/24, ipv4.nat=false, ipv6.address=2001:db8:d0::1/64, ipv6.nat=false",
        "validation: refuses an unknown key",
        "validation: refuses ipv4.address=192.0.2.300/24",
        "validation: refuses ipv6.address=2001:db8:d0::1/129",
        "validation: refuses bridge.mtu=100",
        "validation: refuses dns.mode=sometimes",
        "validation: refuses ipv4.nat=maybe",
        "fill: FillConfig keeps every value it was given and its result validates",
        "apply: the interface exists, is up and has the configured addresses",
        "apply again: idempotent, the same interface, addresses and dnsmasq",
        "update: applying a changed config replaces the addresses",
        "hosts: SetHostsAsync takes a host entry and ListLeasesAsync lists it as static",
        "delete: no interface, no dnsmasq and no file in the helper's directory is left",
        "delete again: a second delete is harmless and leaves nothing",
    ];

    private static readonly string[] DeleteRows = NetworkRows.Where(row => row.StartsWith("delete", StringComparison.Ordinal)).ToArray();

    // The NIC driver rows every NIC driver gets; drivers that take a host interface as parent get RoutedNicRows besides.
    private static string[] NicRows(string parent, bool bridgePort) =>
    [
        "name and version",
        $"validation: accepts type, nictype and parent ({parent})",
        "validation: refuses an unknown key",
        "validation: refuses hwaddr=01:00:5e:00:53:01 (a multicast MAC)",
        "validation: refuses mtu=100",
        "validation: refuses host_name=dc/bad (not an interface name)",
        "start: the host side exists and is up" + (bridgePort ? ", a port of the parent bridge" : ""),
        "start: the link to give the container exists, is the host side's peer and has the NIC's MAC",
        "start: the host side takes no router advertisements (accept_ra=0 or IPv6 off)",
        "stop: no link of the NIC is left, in the kernel or in the helper's records",
        "stop again: a second stop is harmless and leaves nothing",
        "stop of a NIC that was never started is harmless",
    ];

    private static readonly string[] BridgedRows = NicRows("a kernel bridge the daemon does not manage", bridgePort: true);

    private static readonly string[] RoutedRows =
        [.. NicRows("a veth uplink", bridgePort: false), "start: the routed host side filters reverse paths strictly (rp_filter=1)"];

    [Fact]
    public async Task TheInTreeNetworkBridgePluginPassesTheNetworkAndNicRows()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await CheckAsync(Path.Combine(Stage.Directory, "plugins", "network-bridge"));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("PASS  registers network drivers: bridge, bridged", result.Output);
        foreach (string row in NetworkRows)
        {
            Assert.Contains($"PASS  bridge: {row}", result.Output);
        }
        foreach (string row in BridgedRows)
        {
            Assert.Contains($"PASS  bridged: {row}", result.Output);
        }
        Assert.DoesNotContain("FAIL", result.Output);
        Assert.Contains($"{NetworkRows.Length + BridgedRows.Length + 2} passed, 0 failed", result.Output);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the network suite took {clock.Elapsed}");
        await AssertNoNamespaceLeftAsync();
    }

    [Fact]
    public async Task TheInTreeNetworkRoutedPluginPassesTheNicRows()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await CheckAsync(Path.Combine(Stage.Directory, "plugins", "network-routed"));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("PASS  registers NIC drivers: routed", result.Output);
        foreach (string row in RoutedRows)
        {
            Assert.Contains($"PASS  routed: {row}", result.Output);
        }
        Assert.DoesNotContain("FAIL", result.Output);
        Assert.Contains($"{RoutedRows.Length + 2} passed, 0 failed", result.Output);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the nic suite took {clock.Elapsed}");
        await AssertNoNamespaceLeftAsync();
    }

    [Fact]
    public async Task ANetworkDriverThatLeavesItsBridgeBehindFailsExactlyTheDeleteRows()
    {
        var result = await CheckAsync(FixturePlugins.Output("LeakyNetworkPlugin"));
        Assert.True(result.ExitCode == 1, result.Output + result.Error);
        AssertOnlyTheseRowsFail(result.Output, "leaky-bridge", NetworkRows, DeleteRows, ": left behind: link dcnet0");
        Assert.Contains($"{NetworkRows.Length - DeleteRows.Length + 2} passed, {DeleteRows.Length} failed", result.Output);
        await AssertNoNamespaceLeftAsync();
    }

    [Fact]
    public Task WhenTheNetHelperCannotStartEveryNicRowFailsRatherThanPasses() =>
        // No driver call is made.
        AssertEveryRowFailsWithoutHelpersAsync("network-routed", "routed", "setup: the net helper runs in the scratch namespace", RoutedRows);

    /// <summary>
    /// Runs the kit on an in-tree plugin with an install directory that has no helpers, so its testbed
    /// cannot be built: every row must be reported failed as not run, none passed.
    /// </summary>
    private static async Task AssertEveryRowFailsWithoutHelpersAsync(string plugin, string driver, string setupRow, IEnumerable<string> rows)
    {
        string empty = Directory.CreateTempSubdirectory("incus-dc-test-").FullName;
        try
        {
            var result = await CheckAsync(Path.Combine(Stage.Directory, "plugins", plugin), "--libdir", empty);
            Assert.True(result.ExitCode == 1, result.Output + result.Error);
            Assert.Contains($"FAIL  {driver}: {setupRow}", result.Output);
            foreach (string row in rows)
            {
                Assert.Contains($"FAIL  {driver}: {row}: not run: the setup failed", result.Output);
            }
            Assert.DoesNotContain($"PASS  {driver}", result.Output);
            await AssertNoNamespaceLeftAsync();
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    /// <summary>
    /// A deliberately broken driver's report: exactly <paramref name="failing"/> fail (with <paramref name="reason"/>), and
    /// every other row passes, because the kit reports each row rather than a blanket verdict.
    /// </summary>
    private static void AssertOnlyTheseRowsFail(string output, string driver, IEnumerable<string> all, IReadOnlyCollection<string> failing, string reason)
    {
        foreach (string row in failing)
        {
            Assert.Contains($"FAIL  {driver}: {row}{reason}", output);
        }
        foreach (string row in all.Except(failing))
        {
            Assert.Contains($"PASS  {driver}: {row}", output);
        }
    }

    // The kit's namespaces are named incus-dc-…; it must delete every one, whatever the outcome.
    private static async Task AssertNoNamespaceLeftAsync()
    {
        var list = await Command.RunAsync("/bin/ip", ["netns", "list"]);
        Assert.DoesNotContain("incus-dc-", list.Output);
    }
}
