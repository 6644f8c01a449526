using Incus.Daemon.Database;
using Incus.Daemon.Events;
using Incus.Daemon.Networks;
using Incus.Daemon.Plugins;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;
using Moq;
using Serilog;

namespace Incus.Tests.Unit;

/// <summary>Reconciliation at start against a real database, a mock net helper and a mock firewall driver.</summary>
public sealed class NetworkReconcileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly Mock<INetHelper> _helper = new(MockBehavior.Loose);
    private readonly Mock<IFirewallDriver> _firewall = new(MockBehavior.Loose);
    private readonly List<string> _calls = [];

    public NetworkReconcileTests()
    {
        _helper.Setup(h => h.StopDnsmasqAsync(It.IsAny<LinkName>(), It.IsAny<CancellationToken>()))
            .Callback<LinkName, CancellationToken>((l, _) => _calls.Add($"stop dnsmasq {l.Name}")).Returns(Task.CompletedTask);
        _helper.Setup(h => h.DeleteLinkAsync(It.IsAny<LinkName>(), It.IsAny<CancellationToken>()))
            .Callback<LinkName, CancellationToken>((l, _) => _calls.Add($"delete {l.Name}")).Returns(Task.CompletedTask);
        _helper.Setup(h => h.ReleaseVlanAsync(It.IsAny<LinkName>(), It.IsAny<CancellationToken>()))
            .Callback<LinkName, CancellationToken>((l, _) => _calls.Add($"release {l.Name}")).Returns(Task.CompletedTask);
        _firewall.Setup(f => f.Name).Returns("fake");
        _firewall.Setup(f => f.ProbeAsync(It.IsAny<INetHelper>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        _firewall.Setup(f => f.ClearNetworkAsync(It.IsAny<string>(), It.IsAny<INetHelper>(), It.IsAny<CancellationToken>()))
            .Callback<string, INetHelper, CancellationToken>((b, _, _) => _calls.Add($"clear network {b}")).Returns(Task.CompletedTask);
    }

    public void Dispose() => _directory.Dispose();

    private async Task ReconcileAsync(params string[] linksInUse)
    {
        var registry = new DriverRegistry();
        registry.For("test").AddFirewallDriver(_firewall.Object);
        var logger = new LoggerConfiguration().CreateLogger();
        var choice = new FirewallChoice();
        await choice.SelectAsync(registry, _helper.Object, "auto", logger, CancellationToken.None);
        using var database = new LocalDatabase(Path.Combine(_directory.Path, "local.db"));
        var networks = new NetworkService(new NetworkStore(database), registry, _helper.Object, choice, new EventHub(), logger, _ => [], _ => [])
        {
            ProcRoot = Path.Combine(_directory.Path, "proc"),
        };
        await networks.ReconcileAsync(linksInUse.ToHashSet(StringComparer.Ordinal), CancellationToken.None);
    }

    [Fact]
    public async Task AStaleBridgeLosesItsFirewallChainsBeforeTheLinkGoes()
    {
        // tstale0 does not exist here (as after its record was lost and the link went); lo stands in for
        // an existing link that is no bridge, such as a stale veth; c1veth is a running NIC's.
        _helper.Setup(h => h.ListOwnedLinksAsync(It.IsAny<CancellationToken>())).ReturnsAsync(["tstale0", "lo", "c1veth"]);
        await ReconcileAsync("c1veth");
        Assert.Equal(["stop dnsmasq tstale0", "clear network tstale0", "delete tstale0", "stop dnsmasq lo", "delete lo"], _calls);
    }

    [Fact]
    public async Task AVlanOfRoutedNicsIsReleasedNotDeletedAndOnlyAfterTheStaleVeths()
    {
        // No instance records up0.7, so it is always "stale"; the helper's release keeps it while a
        // running routed NIC proxies addresses on it, which a delete would cut off.
        Directory.CreateDirectory(Path.Combine(_directory.Path, "proc", "net", "vlan"));
        File.WriteAllText(Path.Combine(_directory.Path, "proc", "net", "vlan", "up0.7"), "");
        _helper.Setup(h => h.ListOwnedLinksAsync(It.IsAny<CancellationToken>())).ReturnsAsync(["up0.7", "vethold", "vethrun"]);
        await ReconcileAsync("vethrun");
        Assert.Equal(["stop dnsmasq vethold", "clear network vethold", "delete vethold", "release up0.7"], _calls);
    }
}
