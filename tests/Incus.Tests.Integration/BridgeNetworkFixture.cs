using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// A daemon of its own with a dir pool, the busybox image, the bridge <c>tbr0</c>
/// (192.0.2.1/24, 2001:db8:1::1/64, domain test.local) and two running containers on it, c1 and c2,
/// which took DHCPv4 leases at boot.
/// </summary>
public class BridgeNetworkFixture : IAsyncLifetime
{
    public const string Bridge = "tbr0";
    public const string Domain = "test.local";
    public const string Image = "busybox";
    private RunningDaemon? _daemon;

    public RunningDaemon Daemon => _daemon ?? throw new InvalidOperationException("daemon not started");

    /// <summary>The <c>firewall.driver</c> to set (with a core restart) before anything is created; null keeps auto.</summary>
    protected virtual string? FirewallDriver => null;

    /// <summary>The bridge c1's and c2's NICs join.</summary>
    public virtual string BridgeName => Bridge;

    /// <summary>
    /// Whether <see cref="BridgeName"/> is one of the daemon's networks, with DHCP, SLAAC and address
    /// reservations; otherwise it is a host bridge the daemon does not manage.
    /// </summary>
    public virtual bool ManagedBridge => true;

    /// <summary>The host's own addresses on the bridge.</summary>
    public const string HostIpv4 = "192.0.2.1";
    public const string HostIpv6 = "2001:db8:1::1";

    /// <summary>A NIC device on the bridge with <paramref name="keys"/> added, for <paramref name="container"/>.</summary>
    public virtual Dictionary<string, string> Nic(string name, IReadOnlyDictionary<string, string>? keys = null, string? container = null)
    {
        var device = new Dictionary<string, string> { ["type"] = "nic", ["network"] = Bridge, ["name"] = name };
        foreach (var (key, value) in keys ?? new Dictionary<string, string>())
        {
            device[key] = value;
        }
        return device;
    }

    /// <summary>Creates the bridge the containers join.</summary>
    protected virtual Task CreateBridgeAsync() => Api(HttpMethod.Post, "/1.0/networks", new
    {
        name = Bridge,
        config = new Dictionary<string, string> { ["ipv4.address"] = $"{HostIpv4}/24", ["ipv6.address"] = $"{HostIpv6}/64", ["dns.domain"] = Domain },
    });

    /// <summary>What a container needs once it runs, before the tests use it (nothing: DHCP and SLAAC configure it).</summary>
    protected virtual Task AfterLaunchAsync(string name) => Task.CompletedTask;

    public Dictionary<string, string> CliEnvironment => new() { ["INCUS_DIR"] = Daemon.Directory };

    public async Task InitializeAsync()
    {
        _daemon = await RunningDaemon.StartAsync();
        await Command.RunAsync("/bin/ip", "netns", "exec", Daemon.Namespace, "/bin/ip", "link", "set", "lo", "up");
        if (FirewallDriver is { } driver)
        {
            await SwitchFirewallAsync(driver);
        }
        await Api(HttpMethod.Post, "/1.0/storage-pools", new { name = "default", driver = "dir" });
        await CreateBridgeAsync();
        await Api(HttpMethod.Put, "/1.0/profiles/default", new
        {
            description = "test default",
            config = new Dictionary<string, string>(),
            devices = new Dictionary<string, Dictionary<string, string>>
            {
                ["root"] = new() { ["type"] = "disk", ["path"] = "/", ["pool"] = "default" },
                ["eth0"] = Nic("eth0"),
            },
        });
        (await Command.RunAsync(Stage.Cli, ["image", "import", await BusyboxImage.PathAsync(), "--alias", Image], CliEnvironment)).EnsureSuccess("image import");
        foreach (string name in new[] { "c1", "c2" })
        {
            await LaunchAsync(name);
            await AfterLaunchAsync(name);
        }
    }

    /// <summary>Sets <c>firewall.driver</c> and restarts the core, which applies it.</summary>
    public async Task SwitchFirewallAsync(string driver)
    {
        await Api(HttpMethod.Patch, "/1.0", new { config = new Dictionary<string, string> { ["firewall.driver"] = driver } });
        int core = Daemon.CorePid;
        (await Command.RunAsync("/bin/kill", "-9", core.ToString(System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccess("kill the core");
        await Daemon.WaitForRestartAsync("incus-core", core, TimeSpan.FromSeconds(30));
        await Daemon.WaitForApiAsync(TimeSpan.FromSeconds(30));
    }

    public async Task LaunchAsync(string name)
    {
        (await Command.RunAsync(Stage.Cli, ["launch", Image, name], CliEnvironment, timeout: TimeSpan.FromSeconds(120))).EnsureSuccess($"launch {name}");
    }

    public Task<UnixHttp.Answer> Api(HttpMethod method, string path, object? body = null, bool mustSucceed = true) =>
        Daemon.ApiAsync(method, path, body, mustSucceed);

    /// <summary>Runs a command in a container (lxc-attach, in the daemon's namespace).</summary>
    public Task<Command.Result> InContainerAsync(string container, params string[] command) =>
        Command.RunAsync("/bin/ip", ["netns", "exec", Daemon.Namespace, "/usr/bin/lxc-attach", "-n", container, "-P", Path.Combine(Daemon.Directory, "containers"), "--", .. command],
            timeout: TimeSpan.FromSeconds(60));

    /// <summary>Runs a host program in the daemon's network namespace (the "host" of these tests).</summary>
    public Task<Command.Result> OnHostAsync(params string[] command) =>
        Command.RunAsync("/bin/ip", ["netns", "exec", Daemon.Namespace, .. command], timeout: TimeSpan.FromSeconds(60));

    /// <summary>The container's address on eth0 in one family, once it has one (DHCPv4 or SLAAC).</summary>
    public virtual async Task<string> AddressAsync(string container, string family, string device = "eth0")
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var shown = await InContainerAsync(container, "/bin/busybox", "ip", family == "inet" ? "-4" : "-6", "-o", "addr", "show", "dev", device, "scope", "global");
            foreach (string line in shown.Output.Split('\n'))
            {
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                int at = Array.IndexOf(fields, family);
                if (at >= 0 && !line.Contains("tentative", StringComparison.Ordinal))
                {
                    return fields[at + 1].Split('/')[0];
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{container} got no {family} address on {device}: {shown.Output} {shown.Error}");
            }
            await Task.Delay(200);
        }
    }

    public async Task<int> InitPidAsync(string container) =>
        (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances/{container}/state")).Metadata.GetProperty("pid").GetInt32();

    public async Task DisposeAsync()
    {
        if (_daemon is null)
        {
            return;
        }
        // Containers outlive the daemon (as in Incus), so the fixture removes its own before it goes.
        var instances = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances");
        foreach (var url in instances.Metadata.EnumerateArray().Select(u => u.GetString()!))
        {
            await Api(HttpMethod.Put, $"{url}/state", new { action = "stop", force = true }, mustSucceed: false);
            await Api(HttpMethod.Delete, url, mustSucceed: false);
        }
        await _daemon.DisposeAsync();
    }
}
