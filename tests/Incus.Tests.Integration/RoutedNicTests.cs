using System.Globalization;
using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// Routed NICs with real containers, a real uplink and a far side in namespaces, real frames from
/// scapy and a sniffer on the far side. Documentation address ranges only.
/// </summary>
public sealed class RoutedNicTests(RoutedNicFixture fixture) : IClassFixture<RoutedNicFixture>
{
    private const string Parent = RoutedNicFixture.Parent;
    private RunningDaemon Daemon => fixture.Daemon;

    [Fact]
    public async Task ContainersReachTheHostEachOtherAndTheFarSideOnBothFamilies()
    {
        var (c1, c1v4, c1v6) = RoutedNicFixture.Containers[0];
        var (c2, c2v4, c2v6) = RoutedNicFixture.Containers[1];
        foreach (var (from, to) in new[]
        {
            (c1, RoutedNicFixture.HostV4), (c1, RoutedNicFixture.HostV6), (c2, RoutedNicFixture.HostV4), (c2, RoutedNicFixture.HostV6),
            (c1, c2v4), (c1, c2v6), (c2, c1v4), (c2, c1v6), (c1, RoutedNicFixture.FarV4), (c1, RoutedNicFixture.FarV6),
        })
        {
            var ping = await fixture.PingAsync(command => fixture.InContainerAsync(from, command), to);
            Assert.True(ping.ExitCode == 0, $"{from} could not ping {to}: {ping.Output} {ping.Error}");
        }
        // The far side finds the containers through the host's proxy ARP and NDP answers on the parent.
        foreach (string to in new[] { c1v4, c1v6, c2v4 })
        {
            var ping = await fixture.PingAsync(command => fixture.OnFarSideAsync(command), to);
            Assert.True(ping.ExitCode == 0, $"the far side could not ping {to}: {ping.Output} {ping.Error}");
        }
    }

    [Fact]
    public async Task TheHostSideHasItsSysctlsRoutesAndProxiesAndTheInsideIsConfiguredAsIncusDoes()
    {
        var (c1, v4, v6) = RoutedNicFixture.Containers[0];
        string veth = await fixture.HostVethAsync(c1);
        async Task<string> Read(string path) => (await fixture.OnHostAsync("/bin/cat", path)).EnsureSuccess(path).Output.Trim();
        Assert.Equal("0", await Read($"/proc/sys/net/ipv6/conf/{veth}/accept_ra"));
        Assert.Equal("1", await Read($"/proc/sys/net/ipv4/conf/{veth}/rp_filter"));
        Assert.Equal("1", await Read($"/proc/sys/net/ipv4/conf/{veth}/forwarding"));
        Assert.Equal("1", await Read($"/proc/sys/net/ipv6/conf/{veth}/forwarding"));
        Assert.Equal($"{RoutedNicFixture.ParentMtu}", await Read($"/sys/class/net/{veth}/mtu"));

        var hostAddresses = (await fixture.OnHostAsync("/bin/ip", "address", "show", "dev", veth)).EnsureSuccess("ip address").Output;
        Assert.Contains("inet 169.254.0.1/32", hostAddresses);
        Assert.Contains("inet6 fe80::1/128", hostAddresses);
        Assert.Contains($"{v4} ", (await fixture.OnHostAsync("/bin/ip", "-4", "route", "show", "dev", veth)).EnsureSuccess("ip -4 route").Output + " ");
        Assert.Contains($"{v6} ", (await fixture.OnHostAsync("/bin/ip", "-6", "route", "show", "dev", veth)).EnsureSuccess("ip -6 route").Output);
        string proxies = (await fixture.OnHostAsync("/bin/ip", "neigh", "show", "proxy", "dev", Parent)).EnsureSuccess("ip neigh show proxy").Output;
        Assert.Contains($"{v4} ", proxies);
        Assert.Contains($"{v6} ", proxies);

        // Inside: /32 without a broadcast, /128, default routes via the host side's gateway addresses, the parent's MTU, the volatile MAC.
        string inside4 = (await fixture.InContainerAsync(c1, "/bin/busybox", "ip", "-4", "address", "show", "dev", "eth0")).EnsureSuccess("ip -4 address").Output;
        Assert.Contains($"inet {v4}/32 scope global eth0", inside4);
        Assert.DoesNotContain("brd", inside4.Split('\n').Single(l => l.Contains("inet ", StringComparison.Ordinal)));
        Assert.Contains($"inet6 {v6}/128", (await fixture.InContainerAsync(c1, "/bin/busybox", "ip", "-6", "address", "show", "dev", "eth0")).Output);
        Assert.Contains("default via 169.254.0.1 dev eth0", (await fixture.InContainerAsync(c1, "/bin/busybox", "ip", "-4", "route", "show")).Output);
        Assert.Contains("default via fe80::1 dev eth0", (await fixture.InContainerAsync(c1, "/bin/busybox", "ip", "-6", "route", "show")).Output);
        string link = (await fixture.InContainerAsync(c1, "/bin/busybox", "ip", "link", "show", "eth0")).EnsureSuccess("ip link").Output;
        Assert.Contains($"mtu {RoutedNicFixture.ParentMtu}", link);
        Assert.Contains((await fixture.ConfigAsync(c1)).GetProperty("volatile.eth0.hwaddr").GetString()!, link);

        // The uplink is the administrator's: routed mode checks its sysctls and leaves them as they were.
        Assert.Equal("0", await Read($"/proc/sys/net/ipv4/conf/{Parent}/proxy_arp"));
    }

    [Fact]
    public async Task ForgedSourceAddressesFromAContainerAreNotForwarded()
    {
        var (c1, v4, v6) = RoutedNicFixture.Containers[0];
        string marker = Guid.NewGuid().ToString("N")[..12];
        string ready = Path.Combine(Path.GetTempPath(), $"incus-sniff-{marker}");
        // The sniffer on the far side prints the payload of every packet it sees (scapy keeps an ICMPv6 echo's in its data field).
        string sniffer = "from scapy.all import *\nimport sys\n"
            + "seen=set()\n"
            + "def note(p):\n"
            + "  if Raw in p: seen.add(bytes(p[Raw].load).decode('ascii','replace'))\n"
            + "  if ICMPv6EchoRequest in p: seen.add(bytes(p[ICMPv6EchoRequest].data).decode('ascii','replace'))\n"
            + $"s=AsyncSniffer(iface='{RoutedNicFixture.FarLink}',prn=note,store=False,started_callback=lambda: open('{ready}','w').close())\n"
            + "s.start()\nimport time\ntime.sleep(6)\ns.stop()\nprint('\\n'.join(sorted(seen)))\n";
        var sniffing = fixture.OnFarSideAsync("/usr/bin/python3", "-c", sniffer);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!File.Exists(ready) && DateTime.UtcNow < deadline && !sniffing.IsCompleted)
            {
                await Task.Delay(100);
            }
            Assert.True(File.Exists(ready), "the sniffer did not start");

            string veth = await fixture.HostVethAsync(c1);
            string hostMac = (await fixture.OnHostAsync("/bin/cat", $"/sys/class/net/{veth}/address")).EnsureSuccess("veth address").Output.Trim();
            string mac = (await fixture.ConfigAsync(c1)).GetProperty("volatile.eth0.hwaddr").GetString()!;
            string frames = "from scapy.all import *\n"
                + $"e=Ether(src='{mac}',dst='{hostMac}')\n"
                + $"sendp([e/IP(src='{v4}',dst='{RoutedNicFixture.FarV4}')/ICMP()/Raw(b'legit4-{marker}'),"
                + $"e/IP(src='192.0.2.99',dst='{RoutedNicFixture.FarV4}')/ICMP()/Raw(b'forged4-{marker}'),"
                + $"e/IPv6(src='{v6}',dst='{RoutedNicFixture.FarV6}')/ICMPv6EchoRequest()/Raw(b'legit6-{marker}'),"
                + $"e/IPv6(src='2001:db8::99',dst='{RoutedNicFixture.FarV6}')/ICMPv6EchoRequest()/Raw(b'forged6-{marker}')],"
                + "iface='eth0',count=3,inter=0.2,verbose=False)\n";
            int pid = await fixture.InitPidAsync(c1);
            var sent = await Command.RunAsync("/usr/bin/nsenter", ["-t", pid.ToString(CultureInfo.InvariantCulture), "-n", "/usr/bin/python3", "-c", frames],
                timeout: TimeSpan.FromSeconds(60));
            Assert.True(sent.ExitCode == 0, $"sending failed: {sent.Error}");
            var seen = (await sniffing).EnsureSuccess("sniffer").Output;
            // The legitimate packets crossed the host, so the sniffer would have seen forged ones too.
            Assert.Contains($"legit4-{marker}", seen);
            Assert.Contains($"legit6-{marker}", seen);
            Assert.DoesNotContain($"forged4-{marker}", seen);
            Assert.DoesNotContain($"forged6-{marker}", seen);
        }
        finally
        {
            await sniffing;
            File.Delete(ready);
        }
    }

    [Fact]
    public async Task ARouterAdvertisementFromAContainerDoesNotChangeTheHostsRoutes()
    {
        var (c1, _, _) = RoutedNicFixture.Containers[0];
        string before = (await fixture.OnHostAsync("/bin/ip", "-6", "route", "show")).EnsureSuccess("ip -6 route").Output;
        await SendRouterAdvertisementAsync(c1);
        await Task.Delay(1000);
        string after = (await fixture.OnHostAsync("/bin/ip", "-6", "route", "show")).EnsureSuccess("ip -6 route").Output;
        Assert.Equal(before, after);
        Assert.DoesNotContain("2001:db8:bad", after);

        // Control: with accept_ra=2 on the veth the same frames do change the host's routes, so the
        // check above passes because of accept_ra=0 and not because the frames went nowhere.
        string acceptRa = $"/proc/sys/net/ipv6/conf/{await fixture.HostVethAsync(c1)}/accept_ra";
        (await fixture.OnHostAsync("/bin/sh", "-c", $"echo 2 > {acceptRa}")).EnsureSuccess("accept_ra=2");
        try
        {
            string vulnerable = "";
            for (int i = 0; i < 20 && !vulnerable.Contains("2001:db8:bad", StringComparison.Ordinal); i++)
            {
                if (i % 5 == 0)
                {
                    await SendRouterAdvertisementAsync(c1);
                }
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

    [Theory]
    [InlineData("ipv4", RoutedNicFixture.FarV4, null)]
    [InlineData("ipv6", null, RoutedNicFixture.FarV6)]
    public async Task ABusyAddressRefusesStartAndWithTheProbeOffItStarts(string family, string? v4, string? v6)
    {
        string name = $"busy{family[^1]}";
        string before = await HostStateAsync();
        await fixture.CreateAsync(name, RoutedNicFixture.Routed(v4, v6), start: false);
        try
        {
            string? error = await fixture.TryStartAsync(name);
            Assert.NotNull(error);
            Assert.Contains($"IP address \"{v4 ?? v6}\" in use on parent network \"{Parent}\"", error);
            // The refused start left nothing behind.
            Assert.Equal(before, await HostStateAsync());

            await fixture.Api(HttpMethod.Patch, $"/1.0/instances/{name}", new
            {
                devices = new Dictionary<string, Dictionary<string, string>> { ["eth0"] = RoutedNicFixture.Routed(v4, v6, ($"{family}.neighbor_probe", "false")) },
            });
            Assert.Null(await fixture.TryStartAsync(name));
        }
        finally
        {
            await fixture.RemoveAsync(name);
        }
        Assert.Equal(before, await HostStateAsync());
    }

    [Fact]
    public async Task ProxyEntriesSurviveACarrierFlapOfTheParent()
    {
        var (_, v4, v6) = RoutedNicFixture.Containers[0];
        // Control: an entry that is not NUD_PERMANENT, which the kernel flushes when the carrier goes.
        (await fixture.OnHostAsync("/bin/ip", "neigh", "add", "proxy", "192.0.2.77", "dev", Parent, "nud", "noarp")).EnsureSuccess("control entry");
        try
        {
            (await fixture.OnFarSideAsync("/bin/ip", "link", "set", RoutedNicFixture.FarLink, "down")).EnsureSuccess("far side down");
            await WaitForAsync(async () => (await fixture.OnHostAsync("/bin/cat", $"/sys/class/net/{Parent}/carrier")).Output.Trim() == "0", "carrier loss");
            (await fixture.OnFarSideAsync("/bin/ip", "link", "set", RoutedNicFixture.FarLink, "up")).EnsureSuccess("far side up");
            await WaitForAsync(async () => (await fixture.OnHostAsync("/bin/cat", $"/sys/class/net/{Parent}/carrier")).Output.Trim() == "1", "carrier");
            string proxies = (await fixture.OnHostAsync("/bin/ip", "neigh", "show", "proxy", "dev", Parent)).EnsureSuccess("ip neigh show proxy").Output;
            Assert.DoesNotContain("192.0.2.77", proxies);
            Assert.Contains($"{v4} ", proxies);
            Assert.Contains($"{v6} ", proxies);
            var ping = await fixture.PingAsync(command => fixture.OnFarSideAsync(command), v4);
            Assert.True(ping.ExitCode == 0, $"the far side could not ping {v4} after the flap: {ping.Output}");
        }
        finally
        {
            await fixture.OnHostAsync("/bin/ip", "neigh", "del", "proxy", "192.0.2.77", "dev", Parent);
            await fixture.OnFarSideAsync("/bin/ip", "link", "set", RoutedNicFixture.FarLink, "up");
        }
    }

    [Fact]
    public async Task RoutesTablesAndProxiesAreThereWhileRunningAndAllGoneAfterStop()
    {
        string before = await HostStateAsync();
        await fixture.CreateAsync("c4", RoutedNicFixture.Routed("192.0.2.40", "2001:db8::40",
            ("ipv4.routes", "198.51.100.0/24"), ("ipv6.routes", "2001:db8:40::/64"), ("ipv4.host_table", "100"), ("ipv6.host_table", "101"), ("mtu", "1400")), start: true);
        try
        {
            string veth = await fixture.HostVethAsync("c4");
            string main4 = (await fixture.OnHostAsync("/bin/ip", "-4", "route", "show", "dev", veth)).Output;
            Assert.Contains("192.0.2.40 ", main4);
            Assert.Contains("198.51.100.0/24 via 192.0.2.40", main4);
            Assert.Contains("2001:db8:40::/64 via 2001:db8::40", (await fixture.OnHostAsync("/bin/ip", "-6", "route", "show", "dev", veth)).Output);
            Assert.Contains("192.0.2.40 dev", (await fixture.OnHostAsync("/bin/ip", "-4", "route", "show", "table", "100")).Output);
            Assert.Contains("2001:db8::40 dev", (await fixture.OnHostAsync("/bin/ip", "-6", "route", "show", "table", "101")).Output);
            Assert.Contains($"prert.{veth}", (await fixture.OnHostAsync("/usr/sbin/nft", "list", "table", "inet", "incus")).Output);
            Assert.Contains("mtu 1400", (await fixture.InContainerAsync("c4", "/bin/busybox", "ip", "link", "show", "eth0")).Output);
            Assert.NotEqual(before, await HostStateAsync());

            await fixture.Api(HttpMethod.Put, "/1.0/instances/c4/state", new { action = "stop", force = true });
            Assert.Equal(before, await HostStateAsync());
            Assert.False((await fixture.ConfigAsync("c4")).TryGetProperty("volatile.eth0.host_name", out _));
        }
        finally
        {
            await fixture.RemoveAsync("c4");
        }
    }

    [Fact]
    public async Task AParentWithoutTheNeededSysctlsRefusesStartNamingTheSysctl()
    {
        await fixture.CreateAsync("c6", RoutedNicFixture.Routed("192.0.2.60", "2001:db8::60"), start: false);
        try
        {
            foreach (string sysctl in new[] { $"net.ipv6.conf.{Parent}.proxy_ndp", $"net.ipv4.conf.{Parent}.forwarding" })
            {
                (await fixture.OnHostAsync("/sbin/sysctl", "-w", $"{sysctl}=0")).EnsureSuccess(sysctl);
                try
                {
                    string? error = await fixture.TryStartAsync("c6");
                    Assert.NotNull(error);
                    Assert.Contains($"Routed mode requires sysctl {sysctl}=1", error);
                }
                finally
                {
                    (await fixture.OnHostAsync("/sbin/sysctl", "-w", $"{sysctl}=1")).EnsureSuccess(sysctl);
                }
            }
            Assert.Null(await fixture.TryStartAsync("c6"));
        }
        finally
        {
            await fixture.RemoveAsync("c6");
        }
    }

    [Theory]
    [InlineData("vlan", "5", "requires \\\"parent\\\"", false)]
    [InlineData("ipv4.routes", "198.51.100.0/24", "requires \\\"ipv4.address\\\"", true)]
    [InlineData("ipv4.address", "192.0.2.80,192.0.2.80", "listed twice", true)]
    [InlineData("ipv6.address", "fe80::5", "not a unicast address", true)]
    [InlineData("ipv4.gateway", "192.0.2.1", "not auto or none", true)]
    [InlineData("security.mac_filtering", "true", "unknown key", true)]
    public async Task BadRoutedNicsAreRefusedWhenAdded(string key, string value, string message, bool withParent)
    {
        var device = new Dictionary<string, string> { ["type"] = "nic", ["nictype"] = "routed", [key] = value };
        if (withParent)
        {
            device["parent"] = Parent;
        }
        var answer = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/instances", JsonSerializer.Serialize(new
        {
            name = "bad",
            source = new { type = "image", alias = RoutedNicFixture.Image },
            devices = new Dictionary<string, Dictionary<string, string>> { ["eth0"] = device },
        }));
        Assert.Equal(400, answer.Status);
        Assert.Contains(message.Replace("\\\"", "\"", StringComparison.Ordinal), answer.Error);
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/bad")).Status);
    }

    [Fact]
    public async Task TheRealLxcClientHotPlugsARoutedNic()
    {
        await fixture.CreateAsync("c5", nic: null, start: true);
        string configDirectory = Directory.CreateTempSubdirectory("incus-it-lxc-").FullName;
        var environment = new Dictionary<string, string> { ["LXD_SOCKET"] = Daemon.SocketPath, ["LXD_CONF"] = configDirectory };
        Task<Command.Result> Lxc(params string[] arguments) => Command.RunAsync("/usr/bin/lxc", arguments, environment, timeout: TimeSpan.FromSeconds(60));
        string before = await HostStateAsync();
        try
        {
            (await Lxc("config", "device", "add", "c5", "eth1", "nic", "nictype=routed", $"parent={Parent}", "ipv4.address=192.0.2.50", "ipv6.address=2001:db8::50"))
                .EnsureSuccess("lxc config device add");
            string v4 = (await fixture.InContainerAsync("c5", "/bin/busybox", "ip", "-4", "address", "show", "dev", "eth1")).EnsureSuccess("ip address").Output;
            Assert.Contains("inet 192.0.2.50/32 scope global eth1", v4);
            Assert.Contains("inet6 2001:db8::50/128", (await fixture.InContainerAsync("c5", "/bin/busybox", "ip", "-6", "address", "show", "dev", "eth1")).Output);
            Assert.Contains("default via 169.254.0.1 dev eth1", (await fixture.InContainerAsync("c5", "/bin/busybox", "ip", "-4", "route", "show")).Output);
            Assert.Contains("default via fe80::1 dev eth1", (await fixture.InContainerAsync("c5", "/bin/busybox", "ip", "-6", "route", "show")).Output);
            foreach (string to in new[] { RoutedNicFixture.HostV4, RoutedNicFixture.HostV6, RoutedNicFixture.Containers[0].V4 })
            {
                var ping = await fixture.PingAsync(command => fixture.InContainerAsync("c5", command), to);
                Assert.True(ping.ExitCode == 0, $"c5 could not ping {to} over the hot-plugged NIC: {ping.Output} {ping.Error}");
            }
            var shown = (await Lxc("config", "device", "show", "c5")).EnsureSuccess("lxc config device show").Output;
            Assert.Contains("nictype: routed", shown);

            (await Lxc("config", "device", "remove", "c5", "eth1")).EnsureSuccess("lxc config device remove");
            Assert.NotEqual(0, (await fixture.InContainerAsync("c5", "/bin/busybox", "ip", "link", "show", "eth1")).ExitCode);
            Assert.Equal(before, await HostStateAsync());
        }
        finally
        {
            Directory.Delete(configDirectory, recursive: true);
            await fixture.RemoveAsync("c5");
        }
    }

    /// <summary>Links, routes in every table, proxy entries and the incus nft table of the host namespace.</summary>
    private async Task<string> HostStateAsync()
    {
        var parts = new List<string>();
        foreach (string[] command in new[]
        {
            new[] { "/bin/ip", "-o", "link", "show" },
            ["/bin/ip", "-4", "route", "show", "table", "all"],
            ["/bin/ip", "-6", "route", "show", "table", "all"],
            ["/bin/ip", "neigh", "show", "proxy"],
            ["/usr/sbin/nft", "list", "table", "inet", "incus"],
        })
        {
            string output = (await fixture.OnHostAsync(command)).Output;
            // Counters and neighbour states change by themselves; link lines keep only their names.
            parts.Add(string.Join('\n', output.Split('\n').Select(l => command[1] == "-o" ? string.Join(' ', l.Split(' ').Take(2)) : l).Order(StringComparer.Ordinal)));
        }
        return string.Join("\n--\n", parts);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no {what} within 10 s");
            }
            await Task.Delay(100);
        }
    }

    private async Task SendRouterAdvertisementAsync(string container)
    {
        int pid = await fixture.InitPidAsync(container);
        string mac = (await fixture.ConfigAsync(container)).GetProperty("volatile.eth0.hwaddr").GetString()!;
        string script = "from scapy.all import *\n"
            + $"mac='{mac}'\n"
            + "ra=Ether(src=mac,dst='33:33:00:00:00:01')/IPv6(src='fe80::'+in6_mactoifaceid(mac),dst='ff02::1',hlim=255)"
            + "/ICMPv6ND_RA(routerlifetime=1800)/ICMPv6NDOptSrcLLAddr(lladdr=mac)"
            + "/ICMPv6NDOptPrefixInfo(prefix='2001:db8:bad::',prefixlen=64,L=1,A=1,validlifetime=3600,preferredlifetime=1800)\n"
            + "sendp(ra,iface='eth0',count=3,inter=0.1,verbose=False)\n";
        var sent = await Command.RunAsync("/usr/bin/nsenter", ["-t", pid.ToString(CultureInfo.InvariantCulture), "-n", "/usr/bin/python3", "-c", script],
            timeout: TimeSpan.FromSeconds(60));
        Assert.True(sent.ExitCode == 0, $"sending the RA failed: {sent.Error}");
    }
}
