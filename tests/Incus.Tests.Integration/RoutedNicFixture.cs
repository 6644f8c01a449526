using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// A daemon of its own whose "host" namespace has the uplink <c>rtp0</c> (192.0.2.1/24, 2001:db8::1/64,
/// MTU 1450, with the forwarding and proxy_ndp sysctls an administrator sets for routed mode). Its
/// other end, <c>far0</c>, lives in a second namespace, "the far side", holding 192.0.2.254 and
/// 2001:db8::fe. Two running containers, c1 and c2, have routed NICs on rtp0.
/// </summary>
public sealed class RoutedNicFixture : IAsyncLifetime
{
    public const string Parent = "rtp0";
    public const string FarLink = "far0";
    public const int ParentMtu = 1450;
    public const string HostV4 = "192.0.2.1";
    public const string HostV6 = "2001:db8::1";
    public const string FarV4 = "192.0.2.254";
    public const string FarV6 = "2001:db8::fe";
    public const string Image = "busybox";
    private RunningDaemon? _daemon;
    private bool _farCreated;

    public RunningDaemon Daemon => _daemon ?? throw new InvalidOperationException("daemon not started");

    /// <summary>The far side's network namespace.</summary>
    public string Far { get; } = $"incus-far-{Guid.NewGuid():N}"[..20];

    public Dictionary<string, string> CliEnvironment => new() { ["INCUS_DIR"] = Daemon.Directory };

    public static readonly (string Name, string V4, string V6)[] Containers = [("c1", "192.0.2.10", "2001:db8::10"), ("c2", "192.0.2.11", "2001:db8::11")];

    public async Task InitializeAsync()
    {
        _daemon = await RunningDaemon.StartAsync();
        (await OnHostAsync("/bin/ip", "link", "set", "lo", "up")).EnsureSuccess("lo up");
        (await Command.RunAsync("/bin/ip", "netns", "add", Far)).EnsureSuccess("ip netns add far");
        _farCreated = true;
        foreach (string[] step in new[]
        {
            new[] { "link", "add", Parent, "mtu", $"{ParentMtu}", "type", "veth", "peer", "name", FarLink, "mtu", $"{ParentMtu}", "netns", Far },
            ["address", "add", $"{HostV4}/24", "dev", Parent],
            ["address", "add", $"{HostV6}/64", "dev", Parent, "nodad"],
            ["link", "set", Parent, "up"],
        })
        {
            (await OnHostAsync(["/bin/ip", .. step])).EnsureSuccess($"ip {string.Join(' ', step)}");
        }
        foreach (string[] step in new[]
        {
            new[] { "link", "set", "lo", "up" },
            ["address", "add", $"{FarV4}/24", "dev", FarLink],
            ["address", "add", $"{FarV6}/64", "dev", FarLink, "nodad"],
            ["link", "set", FarLink, "up"],
        })
        {
            (await OnFarSideAsync(["/bin/ip", .. step])).EnsureSuccess($"far: ip {string.Join(' ', step)}");
        }
        // What the administrator sets for routed mode; the daemon only checks these, never writes them.
        foreach (string setting in new[]
        {
            $"net.ipv4.conf.{Parent}.forwarding=1", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.proxy_ndp=1",
            $"net.ipv6.conf.{Parent}.forwarding=1", $"net.ipv6.conf.{Parent}.proxy_ndp=1",
        })
        {
            (await OnHostAsync("/sbin/sysctl", "-w", setting)).EnsureSuccess(setting);
        }
        await Api(HttpMethod.Post, "/1.0/storage-pools", new { name = "default", driver = "dir" });
        await Api(HttpMethod.Put, "/1.0/profiles/default", new
        {
            description = "test default",
            config = new Dictionary<string, string>(),
            devices = new Dictionary<string, Dictionary<string, string>> { ["root"] = new() { ["type"] = "disk", ["path"] = "/", ["pool"] = "default" } },
        });
        (await Command.RunAsync(Stage.Cli, ["image", "import", await BusyboxImage.PathAsync(), "--alias", Image], CliEnvironment)).EnsureSuccess("image import");
        foreach (var (name, v4, v6) in Containers)
        {
            await CreateAsync(name, Routed(v4, v6), start: true);
        }
        // Link-local addresses finish duplicate address detection a second or so after their link comes up,
        // and only then does the kernel add their routes (such as the parent's fe80:: anycast route, since it
        // forwards). Tests that compare the host's routes before and after a change must start after that.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await OnHostAsync("/bin/ip", "-6", "address", "show", "tentative")).Output.Trim().Length > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("IPv6 addresses on the host side stayed tentative for 15 s");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>A routed NIC device on the test uplink.</summary>
    public static Dictionary<string, string> Routed(string? v4, string? v6, params (string Key, string Value)[] extra)
    {
        var device = new Dictionary<string, string> { ["type"] = "nic", ["nictype"] = "routed", ["parent"] = Parent, ["name"] = "eth0" };
        if (v4 is not null)
        {
            device["ipv4.address"] = v4;
        }
        if (v6 is not null)
        {
            device["ipv6.address"] = v6;
        }
        foreach (var (key, value) in extra)
        {
            device[key] = value;
        }
        return device;
    }

    public Task CreateAsync(string name, Dictionary<string, string>? nic, bool start) => Api(HttpMethod.Post, "/1.0/instances", new
    {
        name,
        source = new { type = "image", alias = Image },
        start,
        devices = nic is null ? new Dictionary<string, Dictionary<string, string>>() : new Dictionary<string, Dictionary<string, string>> { ["eth0"] = nic },
    });

    /// <summary>Starts an instance; returns null on success, otherwise the operation's error.</summary>
    public async Task<string?> TryStartAsync(string name)
    {
        var answer = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, $"/1.0/instances/{name}/state", JsonSerializer.Serialize(new { action = "start" }));
        if (answer.Status != 202)
        {
            return $"{answer.Status} {answer.Error}";
        }
        var done = await UnixHttp.GetAsync(Daemon.SocketPath, $"{answer.Body.GetProperty("operation").GetString()}/wait?timeout=120");
        return done.Metadata.GetProperty("status").GetString() == "Success" ? null : done.Metadata.GetProperty("err").GetString();
    }

    public async Task RemoveAsync(string name)
    {
        await Api(HttpMethod.Put, $"/1.0/instances/{name}/state", new { action = "stop", force = true }, mustSucceed: false);
        await Api(HttpMethod.Delete, $"/1.0/instances/{name}", mustSucceed: false);
    }

    public Task<UnixHttp.Answer> Api(HttpMethod method, string path, object? body = null, bool mustSucceed = true) =>
        Daemon.ApiAsync(method, path, body, mustSucceed);

    public async Task<JsonElement> ConfigAsync(string instance) =>
        (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances/{instance}")).Metadata.GetProperty("config");

    public async Task<string> HostVethAsync(string instance, string device = "eth0") =>
        (await ConfigAsync(instance)).GetProperty($"volatile.{device}.host_name").GetString()!;

    /// <summary>Runs a command in a container (lxc-attach, in the daemon's namespace).</summary>
    public Task<Command.Result> InContainerAsync(string container, params string[] command) =>
        Command.RunAsync("/bin/ip", ["netns", "exec", Daemon.Namespace, "/usr/bin/lxc-attach", "-n", container, "-P", Path.Combine(Daemon.Directory, "containers"), "--", .. command],
            timeout: TimeSpan.FromSeconds(60));

    /// <summary>Runs a host program in the daemon's network namespace (the "host" of these tests).</summary>
    public Task<Command.Result> OnHostAsync(params string[] command) =>
        Command.RunAsync("/bin/ip", ["netns", "exec", Daemon.Namespace, .. command], timeout: TimeSpan.FromSeconds(60));

    /// <summary>Runs a host program in the far side's namespace.</summary>
    public Task<Command.Result> OnFarSideAsync(params string[] command) =>
        Command.RunAsync("/bin/ip", ["netns", "exec", Far, .. command], timeout: TimeSpan.FromSeconds(60));

    public async Task<int> InitPidAsync(string container) =>
        (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances/{container}/state")).Metadata.GetProperty("pid").GetInt32();

    /// <summary>Pings until an answer comes (IPv6 addresses inside are usable once DAD is over), or fails after 15 s.</summary>
    public async Task<Command.Result> PingAsync(Func<string[], Task<Command.Result>> where, string target)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var ping = await where(["/bin/busybox", "ping", "-c", "1", "-W", "1", target]);
            if (ping.ExitCode == 0 || DateTime.UtcNow > deadline)
            {
                return ping;
            }
            await Task.Delay(300);
        }
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            // Containers outlive the daemon (as in Incus), so the fixture removes its own before it goes.
            var instances = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances");
            foreach (var url in instances.Metadata.EnumerateArray().Select(u => u.GetString()!))
            {
                await RemoveAsync(url.Split('/')[^1]);
            }
            await _daemon.DisposeAsync();
        }
        if (_farCreated)
        {
            (await Command.RunAsync("/bin/ip", "netns", "delete", Far)).EnsureSuccess("ip netns delete far");
        }
    }
}
