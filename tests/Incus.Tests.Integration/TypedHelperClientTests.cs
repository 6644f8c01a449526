using Incus.Daemon.Helpers;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Tests.Integration;

/// <summary>The core's typed helper clients against real helpers: the wire format both sides agree on.</summary>
public sealed class TypedHelperClientTests
{
    private static readonly ILogger Log = new LoggerConfiguration().CreateLogger();

    [Fact]
    public async Task TheNetHelperIsDrivenThroughItsInterface()
    {
        await using var helper = await StandaloneHelper.StartAsync("net");
        await using var connection = new HelperConnection<INetHelper>("net", helper.SocketPath, Log);

        await connection.CallAsync("CreateBridge", (net, token) => net.CreateBridgeAsync(new BridgeSpec { Name = "typedbr0", Mtu = 1400, HwAddr = "00:16:3E:00:00:02" }, token));
        await connection.CallAsync("SetLinkAddresses", (net, token) => net.SetLinkAddressesAsync(new LinkAddresses { Name = "typedbr0", Addresses = ["192.0.2.1/24", "2001:db8::1/64"] }, token));
        await connection.CallAsync("SetLinkState", (net, token) => net.SetLinkStateAsync(new LinkState { Name = "typedbr0", Up = true }, token));
        await connection.CallAsync("SetInterfaceSysctl", (net, token) => net.SetInterfaceSysctlAsync(new InterfaceSysctl { Interface = "typedbr0", Family = "ipv6", Key = "accept_ra", Value = "0" }, token));
        Assert.Equal(["typedbr0"], await connection.CallAsync("ListOwnedLinks", (net, token) => net.ListOwnedLinksAsync(token)));

        var shown = (await Command.RunAsync("/bin/ip", "-netns", helper.Namespace, "address", "show", "dev", "typedbr0")).EnsureSuccess("ip address");
        Assert.Contains("mtu 1400", shown.Output);
        Assert.Contains("00:16:3e:00:00:02", shown.Output);
        Assert.Contains("inet 192.0.2.1/24", shown.Output);
        Assert.Contains("inet6 2001:db8::1/64", shown.Output);
        var acceptRa = (await Command.RunAsync("/bin/ip", "netns", "exec", helper.Namespace, "/bin/cat", "/proc/sys/net/ipv6/conf/typedbr0/accept_ra")).EnsureSuccess("cat");
        Assert.Equal("0", acceptRa.Output.Trim());

        var refused = await Assert.ThrowsAsync<HelperFailedException>(() =>
            connection.CallAsync("DeleteLink", (net, token) => net.DeleteLinkAsync(new LinkName { Name = "lo" }, token)));
        Assert.True(refused.Refused);
        Assert.Contains("not created by this daemon", refused.Message);

        await connection.CallAsync("DeleteLink", (net, token) => net.DeleteLinkAsync(new LinkName { Name = "typedbr0" }, token));
        Assert.Empty(await connection.CallAsync("ListOwnedLinks", (net, token) => net.ListOwnedLinksAsync(token)));
    }

    [Fact]
    public async Task TheStorageHelperIsDrivenThroughItsInterface()
    {
        await using var helper = await StandaloneHelper.StartAsync("instance");
        await using var connection = new HelperConnection<IStorageHelper>("instance", helper.SocketPath, Log);
        var client = new StorageHelperClient(connection);

        await client.CreateDirPoolAsync(new PoolName { Name = "typed" });
        Assert.Equal(["typed"], await client.ListDirPoolsAsync());
        var refused = await Assert.ThrowsAsync<HelperFailedException>(() => client.CreateDirPoolAsync(new PoolName { Name = "typed" }));
        Assert.True(refused.Refused);
        await client.DeleteDirPoolAsync(new PoolName { Name = "typed" });
        Assert.Empty(await client.ListDirPoolsAsync());
    }
}
