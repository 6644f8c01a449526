using Incus.Helpers.Net;

namespace Incus.Tests.Unit;

public sealed class DnsmasqSupervisorTests
{
    [Fact]
    public async Task StoppingABridgeWhoseNetworkDirectoryIsGoneIsANoOp()
    {
        // A second network delete, or an apply of a bridge without addresses, stops a dnsmasq that has no
        // directory; it used to fail with DirectoryNotFoundException, so such a network could not be deleted again.
        using var scratch = new TemporaryDirectory();
        var logged = new List<string>();
        var supervisor = new DnsmasqSupervisor(logged.Add);
        await supervisor.StopAsync("dcnet0", Path.Combine(scratch.Path, "networks", "dcnet0", "dnsmasq.pid"));
        Assert.Empty(logged);
    }
}
