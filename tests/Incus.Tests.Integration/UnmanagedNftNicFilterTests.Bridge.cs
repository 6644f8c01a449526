using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>What is particular to a NIC on an unmanaged bridge: Incus's address rules, a parent that is missing or no bridge, and a bridge left as it was.</summary>
public sealed partial class UnmanagedNftNicFilterTests
{
    private const string Bridge = UnmanagedBridgeNetworkFixture.HostBridge;

    [Theory]
    [InlineData("ipv4.address", "192.0.2.20", "Cannot use manually specified ipv4.address when using unmanaged parent bridge")]
    [InlineData("ipv6.address", "2001:db8:1::20", "Cannot use manually specified ipv6.address when using unmanaged parent bridge")]
    [InlineData("security.ipv4_filtering", "true", "IPv4 filtering requires a manually specified ipv4.address when using an unmanaged parent bridge")]
    [InlineData("security.ipv6_filtering", "true", "IPv6 filtering requires a manually specified ipv6.address when using an unmanaged parent bridge")]
    public async Task AnAddressWithoutItsFilterAndAFilterWithoutItsAddressAreRefused(string key, string value, string error)
    {
        string linksBefore = await LinksAsync();
        var device = new Dictionary<string, string> { ["type"] = "nic", ["nictype"] = "bridged", ["parent"] = Bridge, ["name"] = "eth1", [key] = value };
        var answer = await PlugIntoVictimAsync(device);
        Assert.Equal(400, answer.Status);
        Assert.Contains(error, answer.Error);
        Assert.False(await VictimHasDeviceAsync("eth1"));
        Assert.Equal(linksBefore, await LinksAsync());
    }

    [Fact]
    public async Task AnAddressAndItsFilterSetTogetherAreTaken()
    {
        var device = new Dictionary<string, string>
        {
            ["type"] = "nic", ["nictype"] = "bridged", ["parent"] = Bridge, ["name"] = "eth1",
            ["security.ipv4_filtering"] = "true", ["ipv4.address"] = "192.0.2.21", ["security.ipv6_filtering"] = "true", ["ipv6.address"] = "none",
        };
        try
        {
            var answer = await PlugIntoVictimAsync(device);
            Assert.True(answer.Status == 200, answer.Error);
            string hostName = (await ConfigOfAsync(NicFilterHarness.Victim)).GetProperty("volatile.eth1.host_name").GetString()!;
            Assert.True(await ExistsOnHostAsync($"/sys/class/net/{Bridge}/brif/{hostName}"), $"{hostName} is not a port of {Bridge}");
            Assert.NotEmpty(await KernelStateMentioningAsync(hostName));
        }
        finally
        {
            await UnplugFromVictimAsync("eth1");
        }
    }

    [Theory]
    [InlineData("nosuch0", "Parent device \"nosuch0\" doesn't exist")]
    [InlineData("lo", "Parent device \"lo\" is not a bridge")]
    public async Task ANicWhoseParentIsMissingOrNoBridgeIsNotPlugged(string parent, string error)
    {
        string linksBefore = await LinksAsync();
        var answer = await PlugIntoVictimAsync(new Dictionary<string, string> { ["type"] = "nic", ["nictype"] = "bridged", ["parent"] = parent, ["name"] = "eth1" });
        Assert.Equal(400, answer.Status);
        Assert.Contains(error, answer.Error);
        Assert.False(await VictimHasDeviceAsync("eth1"));
        Assert.Equal(linksBefore, await LinksAsync());
    }

    [Fact]
    public async Task AnotherNicsVethIsNoBridgeToJoin()
    {
        string attackerVeth = (await ConfigOfAsync(NicFilterHarness.Attacker)).GetProperty("volatile.eth0.host_name").GetString()!;
        var answer = await PlugIntoVictimAsync(new Dictionary<string, string> { ["type"] = "nic", ["nictype"] = "bridged", ["parent"] = attackerVeth, ["name"] = "eth1" });
        Assert.Equal(400, answer.Status);
        Assert.Contains("is not a bridge", answer.Error);
    }

    [Fact]
    public async Task AnInstanceWhoseParentIsMissingFailsToStartAndLeavesNothing()
    {
        string linksBefore = await LinksAsync();
        await Fixture.Api(HttpMethod.Post, "/1.0/instances", new
        {
            name = "c5", source = new { type = "image", alias = BridgeNetworkFixture.Image },
            devices = new Dictionary<string, Dictionary<string, string>>
            {
                ["eth0"] = new() { ["type"] = "nic", ["nictype"] = "bridged", ["parent"] = "nosuch1", ["name"] = "eth0" },
            },
        });
        try
        {
            var start = await UnixHttp.SendAsync(Fixture.Daemon.SocketPath, HttpMethod.Put, "/1.0/instances/c5/state", "{\"action\":\"start\"}");
            Assert.Equal(202, start.Status);
            var done = (await UnixHttp.GetAsync(Fixture.Daemon.SocketPath, $"{start.Body.GetProperty("operation").GetString()}/wait?timeout=120")).Metadata;
            Assert.Equal("Failure", done.GetProperty("status").GetString());
            Assert.Contains("Parent device \"nosuch1\" doesn't exist", done.GetProperty("err").GetString());
            Assert.Equal("Stopped", (await UnixHttp.GetAsync(Fixture.Daemon.SocketPath, "/1.0/instances/c5")).Metadata.GetProperty("status").GetString());
            Assert.Equal(linksBefore, await LinksAsync());
        }
        finally
        {
            await Fixture.Api(HttpMethod.Delete, "/1.0/instances/c5", mustSucceed: false);
        }
    }

    [Fact]
    public async Task StopAndDeleteTakeTheVethOffTheBridgeAndLeaveTheBridgeAsItWas()
    {
        string bridgeBefore = await BridgeStateAsync();
        await Fixture.LaunchAsync("c3");
        try
        {
            string hostName = (await ConfigOfAsync("c3")).GetProperty("volatile.eth0.host_name").GetString()!;
            Assert.True(await ExistsOnHostAsync($"/sys/class/net/{Bridge}/brif/{hostName}"), $"{hostName} is not a port of {Bridge}");
            // The veth took the bridge's MTU, so joining did not lower it.
            Assert.Equal(UnmanagedBridgeNetworkFixture.HostBridgeMtu.ToString(System.Globalization.CultureInfo.InvariantCulture),
                (await Fixture.OnHostAsync("/bin/cat", $"/sys/class/net/{hostName}/mtu")).EnsureSuccess("veth mtu").Output.Trim());
            Assert.Equal(bridgeBefore, await BridgeStateAsync());

            await Fixture.Api(HttpMethod.Put, "/1.0/instances/c3/state", new { action = "stop", force = true });
            Assert.False(await ExistsOnHostAsync($"/sys/class/net/{Bridge}/brif/{hostName}"));
            Assert.DoesNotContain(hostName, await LinksAsync());
            Assert.Equal(bridgeBefore, await BridgeStateAsync());

            await Fixture.Api(HttpMethod.Delete, "/1.0/instances/c3");
            Assert.Equal(bridgeBefore, await BridgeStateAsync());
            // Still the administrator's: listed as unmanaged, and not the daemon's to delete.
            var shown = (await UnixHttp.GetAsync(Fixture.Daemon.SocketPath, $"/1.0/networks/{Bridge}")).Metadata;
            Assert.False(shown.GetProperty("managed").GetBoolean());
            var delete = await Fixture.Api(HttpMethod.Delete, $"/1.0/networks/{Bridge}", mustSucceed: false);
            Assert.Equal(400, delete.Status);
            Assert.Equal(bridgeBefore, await BridgeStateAsync());
        }
        finally
        {
            await Fixture.Api(HttpMethod.Put, "/1.0/instances/c3/state", new { action = "stop", force = true }, mustSucceed: false);
            await Fixture.Api(HttpMethod.Delete, "/1.0/instances/c3", mustSucceed: false);
        }
    }

    /// <summary>What an administrator set on the bridge: MAC, MTU, flags, addresses, IP sysctls and bridge options (not its ports or timers).</summary>
    private async Task<string> BridgeStateAsync()
    {
        string[] files =
        [
            $"/sys/class/net/{Bridge}/address", $"/sys/class/net/{Bridge}/mtu", $"/sys/class/net/{Bridge}/flags",
            $"/sys/class/net/{Bridge}/bridge/stp_state", $"/sys/class/net/{Bridge}/bridge/forward_delay", $"/sys/class/net/{Bridge}/bridge/ageing_time",
            $"/proc/sys/net/ipv4/conf/{Bridge}/forwarding", $"/proc/sys/net/ipv4/conf/{Bridge}/proxy_arp", $"/proc/sys/net/ipv4/conf/{Bridge}/rp_filter",
            $"/proc/sys/net/ipv6/conf/{Bridge}/disable_ipv6", $"/proc/sys/net/ipv6/conf/{Bridge}/accept_ra", $"/proc/sys/net/ipv6/conf/{Bridge}/forwarding",
        ];
        var values = (await Fixture.OnHostAsync(["/usr/bin/head", .. files])).EnsureSuccess("bridge settings");
        var addresses = (await Fixture.OnHostAsync("/bin/ip", "-o", "address", "show", "dev", Bridge)).EnsureSuccess("bridge addresses");
        return values.Output + addresses.Output;
    }

    private async Task<string> LinksAsync() =>
        string.Join(' ', (await Fixture.OnHostAsync("/bin/ls", "/sys/class/net")).EnsureSuccess("ls /sys/class/net").Output.Split(default(char[]), StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));

    /// <summary>Whether <paramref name="path"/> exists in the daemon's namespace (its own /sys).</summary>
    private async Task<bool> ExistsOnHostAsync(string path) => (await Fixture.OnHostAsync("/usr/bin/test", "-e", path)).ExitCode == 0;

    private Task<UnixHttp.Answer> PlugIntoVictimAsync(Dictionary<string, string> device) =>
        Fixture.Api(HttpMethod.Patch, $"/1.0/instances/{NicFilterHarness.Victim}",
            new { devices = new Dictionary<string, Dictionary<string, string>> { ["eth1"] = device } }, mustSucceed: false);

    private async Task<bool> VictimHasDeviceAsync(string device) =>
        (await UnixHttp.GetAsync(Fixture.Daemon.SocketPath, $"/1.0/instances/{NicFilterHarness.Victim}")).Metadata.GetProperty("devices").TryGetProperty(device, out _);

    private async Task UnplugFromVictimAsync(string device)
    {
        var current = (await UnixHttp.GetAsync(Fixture.Daemon.SocketPath, $"/1.0/instances/{NicFilterHarness.Victim}")).Metadata;
        var devices = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(current.GetProperty("devices").GetRawText())!;
        if (!devices.Remove(device))
        {
            return;
        }
        await Fixture.Api(HttpMethod.Put, $"/1.0/instances/{NicFilterHarness.Victim}", new
        {
            architecture = current.GetProperty("architecture").GetString(),
            config = JsonSerializer.Deserialize<Dictionary<string, string>>(current.GetProperty("config").GetRawText()),
            devices,
            profiles = current.GetProperty("profiles"),
            description = current.GetProperty("description").GetString(),
        });
    }

    private async Task<JsonElement> ConfigOfAsync(string instance) =>
        (await UnixHttp.GetAsync(Fixture.Daemon.SocketPath, $"/1.0/instances/{instance}")).Metadata.GetProperty("config");
}
