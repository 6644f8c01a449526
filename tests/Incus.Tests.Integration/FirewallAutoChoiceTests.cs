namespace Incus.Tests.Integration;

/// <summary><c>firewall.driver=auto</c> falls back to xtables when nftables does not work.</summary>
public sealed class FirewallAutoChoiceTests
{
    [Fact]
    public async Task WithoutAWorkingNftTheDaemonPicksXtablesAndSaysSo()
    {
        // The nft command and libnftables (which the net helper uses in its own process) are /bin/false in
        // the daemon's own mount namespace only.
        string library = await SharedLibraries.PathOfAsync("libnftables.so.1");
        await using var daemon = await RunningDaemon.StartHidingAsync(["/usr/sbin/nft", library]);
        var info = (await UnixHttp.GetAsync(daemon.SocketPath, "/1.0")).Metadata;
        Assert.Equal("xtables", info.GetProperty("environment").GetProperty("firewall").GetString());
        Assert.Contains("firewall driver: xtables (firewall.driver=auto; not usable: nftables:", daemon.RecentLog);
        Assert.Equal(0, (await Command.RunAsync("/usr/sbin/nft", "--version")).ExitCode);
    }
}
