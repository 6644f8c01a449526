using System.Net;
using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// Managed bridges with real dnsmasq, real containers and real frames, in the daemon's own network
/// namespace (the "host" here), with documentation address ranges only.
/// </summary>
public sealed class BridgeNetworkTests(BridgeNetworkFixture fixture) : IClassFixture<BridgeNetworkFixture>
{
    private const string Bridge = BridgeNetworkFixture.Bridge;
    private RunningDaemon Daemon => fixture.Daemon;

    [Fact]
    public async Task ContainersGetLeasesAndSlaacAndReachEachOtherAndTheBridge()
    {
        string c1v4 = await fixture.AddressAsync("c1", "inet");
        string c2v4 = await fixture.AddressAsync("c2", "inet");
        string c1v6 = await fixture.AddressAsync("c1", "inet6");
        string c2v6 = await fixture.AddressAsync("c2", "inet6");
        Assert.StartsWith("192.0.2.", c1v4);
        Assert.StartsWith("2001:db8:1:", c1v6);
        foreach (var (from, to) in new[] { ("c1", c2v4), ("c1", c2v6), ("c2", c1v4), ("c2", c1v6), ("c1", "192.0.2.1"), ("c2", "2001:db8:1::1") })
        {
            var ping = await fixture.InContainerAsync(from, "/bin/busybox", "ping", "-c", "1", "-W", "2", to);
            Assert.True(ping.ExitCode == 0, $"{from} could not ping {to}: {ping.Output} {ping.Error}");
        }
    }

    [Fact]
    public async Task SysctlsReadBackAsDocumented()
    {
        async Task<string> Read(string path) => (await fixture.OnHostAsync("/bin/cat", path)).EnsureSuccess(path).Output.Trim();
        Assert.Equal("0", await Read($"/proc/sys/net/ipv6/conf/{Bridge}/accept_ra"));
        Assert.Equal("0", await Read($"/proc/sys/net/ipv6/conf/{Bridge}/disable_ipv6"));
        Assert.Equal("1", await Read("/proc/sys/net/ipv4/ip_forward"));
        Assert.Equal("1", await Read("/proc/sys/net/ipv6/conf/all/forwarding"));
        // The bridge routes both families (ipv4.routing and ipv6.routing default to true).
        Assert.Equal("1", await Read($"/proc/sys/net/ipv4/conf/{Bridge}/forwarding"));
        Assert.Equal("1", await Read($"/proc/sys/net/ipv6/conf/{Bridge}/forwarding"));
        foreach (string container in new[] { "c1", "c2" })
        {
            var config = (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances/{container}")).Metadata.GetProperty("config");
            string hostVeth = config.GetProperty("volatile.eth0.host_name").GetString()!;
            Assert.Equal(Bridge, Path.GetFileName((await fixture.OnHostAsync("/bin/readlink", $"/sys/class/net/{hostVeth}/master")).Output.Trim()));
            // The kernel's defaults would be accept_ra=1 and disable_ipv6=0: these two are the driver's.
            Assert.Equal("1", await Read($"/proc/sys/net/ipv6/conf/{hostVeth}/disable_ipv6"));
            Assert.Equal("0", await Read($"/proc/sys/net/ipv6/conf/{hostVeth}/accept_ra"));
            Assert.Equal("1", await Read($"/proc/sys/net/ipv4/conf/{hostVeth}/forwarding"));
            Assert.Equal("1", await Read($"/proc/sys/net/ipv6/conf/{hostVeth}/forwarding"));
        }

        // A bridge without IPv6 has IPv6 switched off entirely: no link-local address to talk to.
        await fixture.Api(HttpMethod.Post, "/1.0/networks", new { name = "tbr1", config = new Dictionary<string, string> { ["ipv4.address"] = "198.51.100.1/24", ["ipv6.address"] = "none" } });
        try
        {
            Assert.Equal("1", await Read("/proc/sys/net/ipv6/conf/tbr1/disable_ipv6"));
            Assert.Equal("0", await Read("/proc/sys/net/ipv6/conf/tbr1/accept_ra"));
        }
        finally
        {
            await fixture.Api(HttpMethod.Delete, "/1.0/networks/tbr1");
        }
    }

    [Fact]
    public async Task BridgeKeysReachTheKernelDnsmasqAndTheRules()
    {
        await fixture.Api(HttpMethod.Post, "/1.0/networks", new
        {
            name = "tbr4",
            config = new Dictionary<string, string>
            {
                ["ipv4.address"] = "203.0.113.1/24", ["ipv4.dhcp.ranges"] = "203.0.113.100-203.0.113.110", ["ipv4.nat"] = "true",
                ["ipv6.address"] = "2001:db8:4::1/64", ["ipv6.dhcp.stateful"] = "true", ["dns.mode"] = "dynamic",
                ["bridge.mtu"] = "1400", ["bridge.hwaddr"] = "10:66:6a:00:00:42",
            },
        });
        try
        {
            string link = (await fixture.OnHostAsync("/bin/ip", "link", "show", "tbr4")).EnsureSuccess("ip link show").Output;
            Assert.Contains("mtu 1400", link);
            Assert.Contains("10:66:6a:00:00:42", link);
            string dnsmasq = DnsmasqCommandLine("tbr4");
            Assert.Contains("--dhcp-range=203.0.113.100,203.0.113.110,3600", dnsmasq);
            Assert.Contains("constructor:tbr4,64,3600", dnsmasq);
            Assert.Contains("--dhcp-option-force=26,1400", dnsmasq);
            Assert.DoesNotContain("--dhcp-ignore-names", dnsmasq);
            Assert.Contains("pstrt.tbr4", (await fixture.OnHostAsync("/usr/sbin/nft", "list", "table", "inet", "incus")).Output);

            await fixture.Api(HttpMethod.Patch, "/1.0/networks/tbr4", new { config = new Dictionary<string, string> { ["dns.mode"] = "none", ["ipv4.nat"] = "false" } });
            Assert.Contains("--port=0", DnsmasqCommandLine("tbr4"));
            Assert.DoesNotContain("pstrt.tbr4", (await fixture.OnHostAsync("/usr/sbin/nft", "list", "table", "inet", "incus")).Output);
        }
        finally
        {
            await fixture.Api(HttpMethod.Delete, "/1.0/networks/tbr4");
        }
    }

    private string DnsmasqCommandLine(string bridge)
    {
        string pidFile = Path.Combine(Daemon.Directory, "networks", bridge, "dnsmasq.pid");
        string pid = File.ReadAllText(pidFile).Trim();
        return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
    }

    [Fact]
    public async Task DnsNamesComeFromInstanceNamesWithTheSlaacAaaa()
    {
        string c1v4 = await fixture.AddressAsync("c1", "inet");
        string c1v6 = await fixture.AddressAsync("c1", "inet6");
        var c1 = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/c1")).Metadata.GetProperty("config");
        Assert.Equal(Eui64("2001:db8:1::", c1.GetProperty("volatile.eth0.hwaddr").GetString()!), IPAddress.Parse(c1v6));
        await EventuallyResolvesAsync("c2", $"c1.{BridgeNetworkFixture.Domain}", c1v4, c1v6);
    }

    [Fact]
    public async Task AClaimedDhcpHostnameDoesNotTakeAnotherInstancesName()
    {
        string c1v4 = await fixture.AddressAsync("c1", "inet");
        string c2v4 = await fixture.AddressAsync("c2", "inet");
        // c2 asks for a lease under the name c1 (renewing its own address).
        var spoof = await fixture.InContainerAsync("c2", "/bin/busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-t", "5", "-x", "hostname:c1", "-s", "/bin/true");
        Assert.True(spoof.ExitCode == 0, $"udhcpc in c2: {spoof.Output} {spoof.Error}");
        string c1v6 = await fixture.AddressAsync("c1", "inet6");
        string c2v6 = await fixture.AddressAsync("c2", "inet6");
        // c1's AAAA (its SLAAC address) may follow its lease by a moment; without it the IPv6 check below would prove nothing.
        await EventuallyResolvesAsync("c1", $"c1.{BridgeNetworkFixture.Domain}", c1v6);
        string answer = await LookupAsync("c1", $"c1.{BridgeNetworkFixture.Domain}");
        Assert.Contains(c1v4, answer);
        Assert.DoesNotContain(c2v4, answer);
        Assert.Contains(c2v4, await LookupAsync("c1", $"c2.{BridgeNetworkFixture.Domain}"));
        // Nor does c2's IPv6 address appear under c1's AAAA, which stays c1's own SLAAC address.
        Assert.Contains(c1v6, answer);
        Assert.DoesNotContain(c2v6, answer);
        var leases = (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/networks/{Bridge}/leases")).Metadata.EnumerateArray().ToList();
        Assert.Contains(leases, l => l.GetProperty("address").GetString() == c2v4 && l.GetProperty("hostname").GetString() == "c2");
        Assert.DoesNotContain(leases, l => l.GetProperty("address").GetString() == c2v4 && l.GetProperty("hostname").GetString() == "c1");
    }

    [Fact]
    public async Task ARouterAdvertisementFromAContainerDoesNotChangeTheHostsRoutes()
    {
        string before = (await fixture.OnHostAsync("/bin/ip", "-6", "route", "show")).EnsureSuccess("ip -6 route").Output;
        await SendRouterAdvertisementAsync("c1");
        await Task.Delay(1000);
        string after = (await fixture.OnHostAsync("/bin/ip", "-6", "route", "show")).EnsureSuccess("ip -6 route").Output;
        Assert.Equal(before, after);
        Assert.DoesNotContain("2001:db8:bad", after);
        Assert.DoesNotContain("default", after);

        // Control: with the seed's accept_ra=2 on the bridge the same frames do rewrite the host's
        // routes, so the check above is not passing because the frames never arrived.
        string acceptRa = $"/proc/sys/net/ipv6/conf/{Bridge}/accept_ra";
        (await fixture.OnHostAsync("/bin/sh", "-c", $"echo 2 > {acceptRa}")).EnsureSuccess("accept_ra=2");
        try
        {
            await SendRouterAdvertisementAsync("c1");
            string vulnerable = "";
            for (int i = 0; i < 20 && !vulnerable.Contains("2001:db8:bad", StringComparison.Ordinal); i++)
            {
                await Task.Delay(200);
                vulnerable = (await fixture.OnHostAsync("/bin/ip", "-6", "route", "show")).Output;
            }
            Assert.Contains("2001:db8:bad", vulnerable);
        }
        finally
        {
            await fixture.OnHostAsync("/bin/sh", "-c", $"echo 0 > {acceptRa}");
            await fixture.OnHostAsync("/bin/ip", "-6", "route", "flush", "proto", "ra");
            await fixture.OnHostAsync("/bin/ip", "-6", "route", "del", "2001:db8:bad::/64");
        }
    }

    [Fact]
    public async Task ANicHotPlugsIntoARunningContainerAndLeavesNoVethBehind()
    {
        await fixture.Api(HttpMethod.Patch, "/1.0/instances/c1", new
        {
            devices = new Dictionary<string, Dictionary<string, string>> { ["eth1"] = new() { ["type"] = "nic", ["network"] = Bridge, ["name"] = "eth1" } },
        });
        var config = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/c1")).Metadata.GetProperty("config");
        string hostVeth = config.GetProperty("volatile.eth1.host_name").GetString()!;
        string mac = config.GetProperty("volatile.eth1.hwaddr").GetString()!;
        var inside = await fixture.InContainerAsync("c1", "/bin/busybox", "ip", "link", "show", "eth1");
        Assert.True(inside.ExitCode == 0, inside.Error);
        Assert.Contains(mac, inside.Output);
        Assert.Equal(0, (await fixture.OnHostAsync("/bin/ip", "link", "show", hostVeth)).ExitCode);
        Assert.Contains(mac, await File.ReadAllTextAsync(Path.Combine(Daemon.Directory, "networks", Bridge, "dnsmasq.hosts")));

        var current = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/c1")).Metadata;
        var devices = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(current.GetProperty("devices").GetRawText())!;
        devices.Remove("eth1");
        await fixture.Api(HttpMethod.Put, "/1.0/instances/c1", new
        {
            architecture = current.GetProperty("architecture").GetString(),
            config = JsonSerializer.Deserialize<Dictionary<string, string>>(current.GetProperty("config").GetRawText()),
            devices,
            profiles = current.GetProperty("profiles"),
            description = current.GetProperty("description").GetString(),
        });
        Assert.NotEqual(0, (await fixture.InContainerAsync("c1", "/bin/busybox", "ip", "link", "show", "eth1")).ExitCode);
        Assert.NotEqual(0, (await fixture.OnHostAsync("/bin/ip", "link", "show", hostVeth)).ExitCode);
    }

    [Fact]
    public async Task KilledDnsmasqIsBackWithinTwoSecondsAndLeasesStillWork()
    {
        string pidFile = Path.Combine(Daemon.Directory, "networks", Bridge, "dnsmasq.pid");
        int pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Directory.Exists($"/proc/{pid}"));
        (await Command.RunAsync("/bin/kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccess("kill -9 dnsmasq");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        int replacement = pid;
        while (DateTime.UtcNow < deadline && (replacement == pid || !Directory.Exists($"/proc/{replacement}")))
        {
            await Task.Delay(50);
            if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out int recorded))
            {
                replacement = recorded;
            }
        }
        Assert.NotEqual(pid, replacement);
        Assert.True(Directory.Exists($"/proc/{replacement}"), "dnsmasq was not restarted within 2 s");
        Assert.Equal("/usr/sbin/dnsmasq", (await File.ReadAllTextAsync($"/proc/{replacement}/cmdline")).Split('\0')[0]);
        var renew = await fixture.InContainerAsync("c2", "/bin/busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-t", "5", "-s", "/bin/true");
        Assert.True(renew.ExitCode == 0, $"no lease after the restart: {renew.Output} {renew.Error}");
    }

    [Fact]
    public async Task InstanceStateShowsTheContainersAddressesAndListsShowThem()
    {
        string c1v4 = await fixture.AddressAsync("c1", "inet");
        string c1v6 = await fixture.AddressAsync("c1", "inet6");
        var eth0 = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/c1/state")).Metadata.GetProperty("network").GetProperty("eth0");
        var addresses = eth0.GetProperty("addresses").EnumerateArray().ToList();
        Assert.Contains(addresses, a => a.GetProperty("address").GetString() == c1v4 && a.GetProperty("netmask").GetString() == "24" && a.GetProperty("family").GetString() == "inet");
        Assert.Contains(addresses, a => a.GetProperty("address").GetString() == c1v6 && a.GetProperty("scope").GetString() == "global");
        var config = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/c1")).Metadata.GetProperty("config");
        Assert.Equal(config.GetProperty("volatile.eth0.hwaddr").GetString(), eth0.GetProperty("hwaddr").GetString());
        Assert.Equal(config.GetProperty("volatile.eth0.host_name").GetString(), eth0.GetProperty("host_name").GetString());
        Assert.True(eth0.GetProperty("counters").GetProperty("packets_received").GetInt64() > 0);

        var ours = (await Command.RunAsync(Stage.Cli, ["list", "--format", "csv"], fixture.CliEnvironment)).EnsureSuccess("incus list");
        Assert.Contains($"{c1v4} (eth0)", ours.Output);
        string configDirectory = Directory.CreateTempSubdirectory("incus-it-lxc-").FullName;
        try
        {
            var lxc = await Command.RunAsync("/usr/bin/lxc", ["list", "--format", "csv", "-c", "n4"],
                new Dictionary<string, string> { ["LXD_SOCKET"] = Daemon.SocketPath, ["LXD_CONF"] = configDirectory }, timeout: TimeSpan.FromSeconds(60));
            Assert.Contains($"c1,{c1v4} (eth0)", lxc.EnsureSuccess("lxc list").Output);
        }
        finally
        {
            Directory.Delete(configDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task LeasesAreListedByTheApiAndTheCli()
    {
        string c1v4 = await fixture.AddressAsync("c1", "inet");
        var leases = (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/networks/{Bridge}/leases")).Metadata;
        Assert.Contains(leases.EnumerateArray(), l => l.GetProperty("hostname").GetString() == "c1" && l.GetProperty("address").GetString() == c1v4
            && l.GetProperty("type").GetString() == "dynamic");
        var cli = (await Command.RunAsync(Stage.Cli, ["network", "list-leases", Bridge], fixture.CliEnvironment)).EnsureSuccess("network list-leases");
        Assert.Contains(c1v4, cli.Output);
        Assert.Contains("c1", cli.Output);
    }

    [Fact]
    public async Task AReservedAddressIsTheLeaseTheNicGetsAndIsListedAsStatic()
    {
        const string reserved = "192.0.2.50";
        await fixture.Api(HttpMethod.Post, "/1.0/instances", new
        {
            name = "c3", source = new { type = "image", alias = BridgeNetworkFixture.Image }, start = true,
            devices = new Dictionary<string, Dictionary<string, string>> { ["eth0"] = fixture.Nic("eth0", new Dictionary<string, string> { ["ipv4.address"] = reserved }) },
        });
        try
        {
            // The address came from dnsmasq at boot: the image's init runs udhcpc on eth0.
            Assert.Equal(reserved, await fixture.AddressAsync("c3", "inet"));
            string mac = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/c3")).Metadata.GetProperty("config").GetProperty("volatile.eth0.hwaddr").GetString()!;
            // And again on request: a fresh DHCP exchange is answered with the reservation, not with a pool address.
            var renew = await fixture.InContainerAsync("c3", "/bin/busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-t", "5", "-s", "/bin/true");
            Assert.True(renew.ExitCode == 0, $"udhcpc in c3: {renew.Output} {renew.Error}");
            Assert.Contains($"lease of {reserved} obtained", renew.Output + renew.Error);

            var leases = (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/networks/{Bridge}/leases")).Metadata.EnumerateArray().ToList();
            var c3Leases = leases.Where(l => string.Equals(l.GetProperty("hwaddr").GetString(), mac, StringComparison.OrdinalIgnoreCase)).ToList();
            var ipv4 = Assert.Single(c3Leases, l => l.GetProperty("address").GetString()!.Contains('.', StringComparison.Ordinal));
            Assert.Equal(reserved, ipv4.GetProperty("address").GetString());
            Assert.Equal("static", ipv4.GetProperty("type").GetString());
            Assert.Equal("c3", ipv4.GetProperty("hostname").GetString());
            var cli = (await Command.RunAsync(Stage.Cli, ["network", "list-leases", Bridge, "--format", "csv"], fixture.CliEnvironment)).EnsureSuccess("network list-leases");
            Assert.Contains($"c3,{ipv4.GetProperty("hwaddr").GetString()},{reserved},STATIC", cli.Output.Split('\n'));
        }
        finally
        {
            await fixture.Api(HttpMethod.Put, "/1.0/instances/c3/state", new { action = "stop", force = true }, mustSucceed: false);
            await fixture.Api(HttpMethod.Delete, "/1.0/instances/c3", mustSucceed: false);
        }
    }

    [Theory]
    [InlineData("{\"name\":\"tbad\",\"config\":{\"ipv4.address\":\"192.0.2.0/24\"}}", "ipv4.address")]
    [InlineData("{\"name\":\"tbad\",\"config\":{\"ipv4.address\":\"300.1.1.1/24\"}}", "ipv4.address")]
    [InlineData("{\"name\":\"tbad\",\"config\":{\"ipv4.dhcp.ranges\":\"198.51.100.2-198.51.100.9\",\"ipv4.address\":\"192.0.2.1/24\"}}", "ipv4.dhcp.ranges")]
    [InlineData("{\"name\":\"tbad\",\"config\":{\"dns.mode\":\"sometimes\"}}", "dns.mode")]
    [InlineData("{\"name\":\"tbad\",\"config\":{\"bridge.mtu\":\"99999\"}}", "bridge.mtu")]
    [InlineData("{\"name\":\"tbad\",\"config\":{\"bogus.key\":\"1\"}}", "bogus.key")]
    [InlineData("{\"name\":\"tbad\",\"type\":\"ovn\"}", "ovn")]
    [InlineData("{\"name\":\"lo\"}", "already exists")]
    [InlineData("{\"name\":\"bad name\"}", "Invalid network name")]
    public async Task BadNetworksAre400AndLeaveNothingBehind(string body, string message)
    {
        string linksBefore = (await fixture.OnHostAsync("/bin/ip", "-o", "link", "show")).Output;
        var answer = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/networks", body);
        Assert.Equal(400, answer.Status);
        Assert.Contains(message, answer.Error);
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/networks/tbad")).Status);
        Assert.Equal(linksBefore.Split('\n').Length, (await fixture.OnHostAsync("/bin/ip", "-o", "link", "show")).Output.Split('\n').Length);
    }

    [Fact]
    public async Task StopDeleteAndNetworkDeleteReturnLinksDnsmasqAndRulesToTheStart()
    {
        async Task<(int Links, int Dnsmasqs, string Rules)> SnapshotAsync() => (
            (await fixture.OnHostAsync("/bin/ip", "-o", "link", "show")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
            Directory.GetDirectories("/proc").Count(p => File.Exists(Path.Combine(p, "cmdline"))
                && File.ReadAllText(Path.Combine(p, "cmdline")).Contains($"--dhcp-leasefile={Daemon.Directory}/", StringComparison.Ordinal)),
            (await fixture.OnHostAsync("/usr/sbin/nft", "list", "table", "inet", "incus")).Output);
        var start = await SnapshotAsync();
        await fixture.Api(HttpMethod.Post, "/1.0/networks", new { name = "tbr2", config = new Dictionary<string, string> { ["ipv4.address"] = "203.0.113.1/24", ["ipv6.address"] = "2001:db8:2::1/64", ["ipv4.nat"] = "true" } });
        await fixture.Api(HttpMethod.Post, "/1.0/instances", new
        {
            name = "c9", source = new { type = "image", alias = BridgeNetworkFixture.Image }, start = true,
            devices = new Dictionary<string, Dictionary<string, string>> { ["eth0"] = new() { ["type"] = "nic", ["network"] = "tbr2", ["name"] = "eth0" } },
        });
        Assert.StartsWith("203.0.113.", await fixture.AddressAsync("c9", "inet"));
        var running = await SnapshotAsync();
        Assert.Equal(start.Links + 2, running.Links);
        Assert.Equal(start.Dnsmasqs + 1, running.Dnsmasqs);
        Assert.Contains("pstrt.tbr2", running.Rules);
        Assert.Contains("masquerade", running.Rules);

        await fixture.Api(HttpMethod.Put, "/1.0/instances/c9/state", new { action = "stop", force = true });
        Assert.Equal(start.Links + 1, (await SnapshotAsync()).Links);
        await fixture.Api(HttpMethod.Delete, "/1.0/instances/c9");
        await fixture.Api(HttpMethod.Delete, "/1.0/networks/tbr2");
        var end = await SnapshotAsync();
        Assert.Equal(start, end);
    }

    [Fact]
    public async Task ANetworkInUseCannotBeDeleted()
    {
        var answer = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, $"/1.0/networks/{Bridge}");
        Assert.Equal(400, answer.Status);
        Assert.Contains("in use", answer.Error);
        var network = (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/networks/{Bridge}")).Metadata;
        Assert.Contains(network.GetProperty("used_by").EnumerateArray(), u => u.GetString() == "/1.0/instances/c1");
        Assert.Contains(network.GetProperty("used_by").EnumerateArray(), u => u.GetString() == "/1.0/profiles/default");
    }

    [Fact]
    public async Task TheRealLxcClientManagesNetworks()
    {
        string configDirectory = Directory.CreateTempSubdirectory("incus-it-lxc-").FullName;
        var environment = new Dictionary<string, string> { ["LXD_SOCKET"] = Daemon.SocketPath, ["LXD_CONF"] = configDirectory };
        Task<Command.Result> Lxc(params string[] arguments) => Command.RunAsync("/usr/bin/lxc", arguments, environment, timeout: TimeSpan.FromSeconds(60));
        try
        {
            var list = (await Lxc("network", "list")).EnsureSuccess("lxc network list");
            Assert.Contains(Bridge, list.Output);
            (await Lxc("network", "create", "tbr5", "ipv4.address=198.51.100.1/24", "ipv6.address=none")).EnsureSuccess("lxc network create");
            (await Lxc("network", "set", "tbr5", "dns.domain=five.test")).EnsureSuccess("lxc network set");
            var show = (await Lxc("network", "show", "tbr5")).EnsureSuccess("lxc network show");
            Assert.Contains("dns.domain: five.test", show.Output);
            Assert.Contains("ipv4.address: 198.51.100.1/24", show.Output);
            var leases = (await Lxc("network", "list-leases", Bridge)).EnsureSuccess("lxc network list-leases");
            Assert.Contains("c1", leases.Output);
            (await Lxc("network", "delete", "tbr5")).EnsureSuccess("lxc network delete");
            Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/networks/tbr5")).Status);
        }
        finally
        {
            Directory.Delete(configDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task TheCoreRebuildsABridgeRemovedBehindItsBack()
    {
        await fixture.Api(HttpMethod.Post, "/1.0/networks", new { name = "tbr3", config = new Dictionary<string, string> { ["ipv4.address"] = "198.51.100.129/25", ["ipv6.address"] = "none" } });
        try
        {
            (await fixture.OnHostAsync("/bin/ip", "link", "delete", "tbr3")).EnsureSuccess("ip link delete");
            int core = Daemon.CorePid;
            (await Command.RunAsync("/bin/kill", "-9", core.ToString(System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccess("kill core");
            await Daemon.WaitForRestartAsync("incus-core", core, TimeSpan.FromSeconds(30));
            await Daemon.WaitForApiAsync(TimeSpan.FromSeconds(30));
            var shown = (await fixture.OnHostAsync("/bin/ip", "-4", "-o", "addr", "show", "dev", "tbr3")).EnsureSuccess("ip addr show tbr3");
            Assert.Contains("198.51.100.129/25", shown.Output);
        }
        finally
        {
            await fixture.Api(HttpMethod.Delete, "/1.0/networks/tbr3", mustSucceed: false);
        }
    }

    [Fact]
    public async Task AtStartABridgeWhoseRecordIsGoneLeavesNoLinkDnsmasqOrChains()
    {
        await fixture.Api(HttpMethod.Post, "/1.0/networks", new
        {
            name = "tstale", config = new Dictionary<string, string> { ["ipv4.address"] = "203.0.113.241/28", ["ipv6.address"] = "none", ["ipv4.nat"] = "true" },
        });
        async Task<string> RulesAsync() => (await fixture.OnHostAsync("/usr/sbin/nft", "list", "table", "inet", "incus")).EnsureSuccess("nft list table").Output;
        Assert.Contains("pstrt.tstale", await RulesAsync());
        Assert.Contains("in.tstale", await RulesAsync());

        // The state a create whose undo failed leaves: kernel objects without a record. The core is
        // frozen while its database loses the row, then killed; the supervisor starts a new one, which reconciles.
        int core = Daemon.CorePid;
        string pid = core.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await Command.RunAsync("/bin/kill", "-STOP", pid)).EnsureSuccess("stop the core");
        try
        {
            using var database = new Incus.Daemon.Database.LocalDatabase(Path.Combine(Daemon.Directory, "database", "local.db"));
            new Incus.Daemon.Networks.NetworkStore(database).Remove("tstale");
        }
        finally
        {
            (await Command.RunAsync("/bin/kill", "-9", pid)).EnsureSuccess("kill the core");
        }
        await Daemon.WaitForRestartAsync("incus-core", core, TimeSpan.FromSeconds(30));
        await Daemon.WaitForApiAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/networks/tstale")).Status);
        Assert.NotEqual(0, (await fixture.OnHostAsync("/bin/ip", "link", "show", "tstale")).ExitCode);
        Assert.DoesNotContain(Directory.GetDirectories("/proc"), p => File.Exists(Path.Combine(p, "cmdline"))
            && File.ReadAllText(Path.Combine(p, "cmdline")).Contains($"{Daemon.Directory}/networks/tstale/", StringComparison.Ordinal));
        string after = await RulesAsync();
        Assert.DoesNotContain(".tstale", after);
        // The kept bridge's chains are untouched.
        Assert.Contains($"in.{Bridge}", after);
    }

    [Fact]
    public async Task TheCliCreatesEditsAndDeletesNetworksAndPreseedsThem()
    {
        var cli = fixture.CliEnvironment;
        (await Command.RunAsync(Stage.Cli, ["network", "create", "tbr6", "ipv4.address=198.51.100.65/26", "ipv6.address=none"], cli)).EnsureSuccess("network create");
        (await Command.RunAsync(Stage.Cli, ["network", "set", "tbr6", "dns.domain=six.test"], cli)).EnsureSuccess("network set");
        Assert.Equal("six.test", (await Command.RunAsync(Stage.Cli, ["network", "get", "tbr6", "dns.domain"], cli)).EnsureSuccess("network get").Output.Trim());
        string yaml = (await Command.RunAsync(Stage.Cli, ["network", "show", "tbr6"], cli)).EnsureSuccess("network show").Output;
        (await Command.RunAsync(Stage.Cli, ["network", "edit", "tbr6"], cli, yaml.Replace("six.test", "seven.test", StringComparison.Ordinal)))
            .EnsureSuccess("network edit");
        Assert.Equal("seven.test", (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/networks/tbr6")).Metadata.GetProperty("config").GetProperty("dns.domain").GetString());
        var refused = await Command.RunAsync(Stage.Cli, ["network", "edit", "tbr6"], cli, yaml.Replace("six.test", "bad domain", StringComparison.Ordinal));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("dns.domain", refused.Error);
        (await Command.RunAsync(Stage.Cli, ["network", "unset", "tbr6", "dns.domain"], cli)).EnsureSuccess("network unset");
        Assert.False((await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/networks/tbr6")).Metadata.GetProperty("config").TryGetProperty("dns.domain", out _));
        var list = (await Command.RunAsync(Stage.Cli, ["network", "list", "--format", "csv"], cli)).EnsureSuccess("network list");
        Assert.Contains("tbr6,bridge,YES,198.51.100.65/26", list.Output);
        (await Command.RunAsync(Stage.Cli, ["network", "delete", "tbr6"], cli)).EnsureSuccess("network delete");
        Assert.NotEqual(0, (await fixture.OnHostAsync("/bin/ip", "link", "show", "tbr6")).ExitCode);

        // A preseed creates its networks, and one that fails part-way leaves none of them behind.
        const string good = "networks:\n- name: tbr8\n  config:\n    ipv4.address: 203.0.113.129/25\n    ipv6.address: none\n";
        (await Command.RunAsync(Stage.Cli, ["admin", "init", "--preseed"], cli, good)).EnsureSuccess("admin init --preseed");
        Assert.Equal(200, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/networks/tbr8")).Status);
        (await Command.RunAsync(Stage.Cli, ["network", "delete", "tbr8"], cli)).EnsureSuccess("network delete tbr8");
        const string bad = "networks:\n- name: tbr8\n  config:\n    ipv4.address: 203.0.113.129/25\n    ipv6.address: none\n- name: tbr9\n  config:\n    dns.mode: sometimes\n";
        var failed = await Command.RunAsync(Stage.Cli, ["admin", "init", "--preseed"], cli, bad);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("dns.mode", failed.Error);
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/networks/tbr8")).Status);
    }

    private async Task SendRouterAdvertisementAsync(string container)
    {
        int pid = await fixture.InitPidAsync(container);
        var config = (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances/{container}")).Metadata.GetProperty("config");
        string mac = config.GetProperty("volatile.eth0.hwaddr").GetString()!;
        // The host's scapy, run in the container's network namespace, so the frame leaves from the container's eth0.
        string script = "from scapy.all import *\n"
            + $"mac='{mac}'\n"
            + "ra=Ether(src=mac,dst='33:33:00:00:00:01')/IPv6(src=in6_mactoifaceid(mac) and 'fe80::'+in6_mactoifaceid(mac),dst='ff02::1',hlim=255)"
            + "/ICMPv6ND_RA(routerlifetime=1800)/ICMPv6NDOptSrcLLAddr(lladdr=mac)"
            + "/ICMPv6NDOptPrefixInfo(prefix='2001:db8:bad::',prefixlen=64,L=1,A=1,validlifetime=3600,preferredlifetime=1800)\n"
            + "sendp(ra,iface='eth0',count=3,inter=0.1,verbose=False)\n";
        var sent = await Command.RunAsync("/usr/bin/nsenter", ["-t", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", "/usr/bin/python3", "-c", script],
            timeout: TimeSpan.FromSeconds(60));
        Assert.True(sent.ExitCode == 0, $"sending the RA failed: {sent.Error}");
    }

    private async Task<string> LookupAsync(string from, string name)
    {
        var result = await fixture.InContainerAsync(from, "/bin/busybox", "nslookup", name, "192.0.2.1");
        return result.Output;
    }

    private async Task EventuallyResolvesAsync(string from, string name, params string[] addresses)
    {
        string last = "";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            last = await LookupAsync(from, name);
            if (addresses.All(a => last.Contains(a, StringComparison.Ordinal)))
            {
                return;
            }
            await Task.Delay(500);
        }
        Assert.Fail($"{name} did not resolve to {string.Join(" and ", addresses)} from {from}; last answer:\n{last}");
    }

    /// <summary>The SLAAC address a MAC gets in a /64: the prefix plus the modified EUI-64 interface id.</summary>
    private static IPAddress Eui64(string prefix, string mac)
    {
        byte[] address = IPAddress.Parse(prefix).GetAddressBytes();
        byte[] m = mac.Split(':').Select(b => Convert.ToByte(b, 16)).ToArray();
        byte[] id = [(byte)(m[0] ^ 0x02), m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]];
        Array.Copy(id, 0, address, 8, 8);
        return new IPAddress(address);
    }
}
