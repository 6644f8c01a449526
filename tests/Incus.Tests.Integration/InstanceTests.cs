using System.Text.Json;
using Incus.Platform;

namespace Incus.Tests.Integration;

/// <summary>Containers through the API, our CLI and the real lxc client, on a real LXC in the daemon's namespace.</summary>
[Collection(DaemonCollection.Name)]
public sealed class InstanceTests(DaemonFixture fixture)
{
    private const string Image = "it-instances";
    private RunningDaemon Daemon => fixture.Daemon;
    private Dictionary<string, string> CliEnvironment => new() { ["INCUS_DIR"] = Daemon.Directory };
    private string LxcPath => Path.Combine(Daemon.Directory, "containers");

    private async Task PrepareAsync()
    {
        (await Command.RunAsync(Stage.Cli, ["admin", "init", "--minimal"], CliEnvironment)).EnsureSuccess("admin init");
        if ((await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/aliases/{Image}")).Status == 404)
        {
            string fingerprint = await BusyboxImage.FingerprintAsync();
            if ((await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/{fingerprint}")).Status == 404)
            {
                (await Command.RunAsync(Stage.Cli, ["image", "import", await BusyboxImage.PathAsync()], CliEnvironment)).EnsureSuccess("image import");
            }
            Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/images/aliases",
                JsonSerializer.Serialize(new { name = Image, target = fingerprint }))).Status);
        }
    }

    private async Task<JsonElement> WaitAsync(UnixHttp.Answer accepted)
    {
        Assert.Equal(202, accepted.Status);
        var done = await UnixHttp.GetAsync(Daemon.SocketPath, $"{accepted.Body.GetProperty("operation").GetString()}/wait?timeout=120");
        return done.Metadata;
    }

    private async Task<JsonElement> CreateAsync(string name, bool start, object? config = null, string[]? profiles = null)
    {
        var body = JsonSerializer.Serialize(new { name, source = new { type = "image", alias = Image }, start, config = config ?? new { }, profiles = profiles ?? ["default"] });
        return await WaitAsync(await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/instances", body));
    }

    private async Task DeleteAsync(string name)
    {
        var state = await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances/{name}/state");
        if (state.Status == 404)
        {
            return;
        }
        if (state.Metadata.GetProperty("status").GetString() == "Running")
        {
            await WaitAsync(await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, $"/1.0/instances/{name}/state", "{\"action\":\"stop\",\"force\":true}"));
        }
        var deleted = await WaitAsync(await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, $"/1.0/instances/{name}"));
        Assert.Equal(200, deleted.GetProperty("status_code").GetInt32());
    }

    private Task<Command.Result> AttachAsync(string name, params string[] command) =>
        Command.RunAsync("/bin/ip", ["netns", "exec", Daemon.Namespace, "/usr/bin/lxc-attach", "-n", name, "-P", LxcPath, "--", .. command]);

    private static (long Start, long Size) VolatileRange(JsonElement instance)
    {
        using var map = JsonDocument.Parse(instance.GetProperty("config").GetProperty("volatile.idmap.current").GetString()!);
        var uid = map.RootElement.EnumerateArray().First(e => e.GetProperty("Isuid").GetBoolean());
        return (uid.GetProperty("Hostid").GetInt64(), uid.GetProperty("Maprange").GetInt64());
    }

    /// <summary>
    /// The top-level lines of the item named <paramref name="name"/> in a YAML list of instances, as
    /// list --format yaml prints it: items start with "- ", their own keys are indented by two spaces.
    /// </summary>
    private static string[] ListedYamlItem(string yaml, string name)
    {
        var items = new List<List<string>>();
        foreach (string line in yaml.Split('\n'))
        {
            if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                items.Add(["  " + line[2..]]);
            }
            else if (items.Count > 0 && line.StartsWith("  ", StringComparison.Ordinal) && !line.StartsWith("   ", StringComparison.Ordinal))
            {
                items[^1].Add(line);
            }
        }
        return Assert.Single(items, item => item.Contains($"  name: {name}")).ToArray();
    }

    private static JsonElement ProfileDevice(string device, string profileJson)
    {
        using var profile = JsonDocument.Parse(profileJson);
        return profile.RootElement.GetProperty("devices").GetProperty(device).Clone();
    }

    private string InstanceDirectory(string name) => Path.Combine(Daemon.Directory, "storage-pools", "default", "containers", name);

    /// <summary>Where the witness planted by <see cref="PlantStopWitnessAsync"/> writes, inside the container.</summary>
    private const string StopWitness = "root/stopped-by-sigterm";

    /// <summary>
    /// Leaves a shell running in the container that writes <see cref="StopWitness"/> into the rootfs when
    /// SIGTERM reaches it. On a graceful stop the container's init sends every process SIGTERM and only a
    /// second later SIGKILL; a forced stop kills the whole pid namespace at once. So the file appears after
    /// a graceful stop and never after a forced one, which tells the two apart from outside.
    /// </summary>
    private async Task PlantStopWitnessAsync(string name)
    {
        string rootfs = Path.Combine(InstanceDirectory(name), "rootfs");
        File.Delete(Path.Combine(rootfs, StopWitness));
        File.Delete(Path.Combine(rootfs, "root", "witness-ready"));
        (await AttachAsync(name, "/bin/sh", "-c",
            $"(trap 'echo graceful > /{StopWitness}; exit 0' TERM; : > /root/witness-ready; while :; do sleep 1; done) </dev/null >/dev/null 2>&1 &"))
            .EnsureSuccess("plant the stop witness");
        // The trap is set before the ready file is written; stopping earlier would race the subshell.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(Path.Combine(rootfs, "root", "witness-ready")))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the stop witness in {name} did not start");
            await Task.Delay(20);
        }
    }

    private bool StopWitnessWrote(string name) => File.Exists(Path.Combine(InstanceDirectory(name), "rootfs", StopWitness));

    /// <summary>The instance is Stopped, nothing is left in its pid namespace, and its LXC monitor is gone.</summary>
    private async Task AssertStoppedWithNoProcessesAsync(string name, PidNamespace pidNamespace)
    {
        Assert.Equal("Stopped", (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances/{name}/state")).Metadata.GetProperty("status").GetString());
        Assert.Empty(pidNamespace.Members());
        Assert.Equal("", (await Command.RunAsync("/usr/bin/pgrep", "-f", $"lxc monitor\\] {LxcPath} {name}")).Output.Trim());
    }

    private async Task<int> InitPidAsync(string name)
    {
        var state = (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances/{name}/state")).Metadata;
        Assert.Equal("Running", state.GetProperty("status").GetString());
        return state.GetProperty("pid").GetInt32();
    }

    /// <summary>
    /// The mounts that involve the daemon's directory, as the test process (the host's namespace) and the
    /// daemon's own mount namespace (ip netns exec gives it one) each see them.
    /// </summary>
    private Dictionary<string, IReadOnlyList<string>> DaemonMounts() => new()
    {
        ["host"] = MountTable.Under(Environment.ProcessId, Daemon.Directory),
        ["incusd"] = MountTable.Under(Daemon.SupervisorPid, Daemon.Directory),
        ["lxc helper"] = MountTable.Under(Daemon.HelperPid("lxc"), Daemon.Directory),
    };

    private void AssertMountsUnchanged(Dictionary<string, IReadOnlyList<string>> before, string name)
    {
        var after = DaemonMounts();
        foreach (var (view, lines) in before)
        {
            Assert.True(lines.SequenceEqual(after[view]), $"{view} mounts changed:\nbefore:\n{string.Join('\n', lines)}\nafter:\n{string.Join('\n', after[view])}");
            Assert.DoesNotContain(after[view], line => line.Contains(InstanceDirectory(name), StringComparison.Ordinal)
                || line.Contains(Path.Combine(LxcPath, name), StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Asserts that, in <paramref name="yaml"/> as config show prints it, the device's own block under
    /// <c>devices:</c> has the key with the value; a key of another device or of expanded_devices does not count.
    /// </summary>
    private static void AssertShownDeviceKey(string yaml, string device, string key, string value) =>
        Assert.Matches(new System.Text.RegularExpressions.Regex(
            $"(?m)^devices:\\n(?:  .*\\n)*?  {device}:\\n(?:    .*\\n)*?    {key}: \"?{value}\"?$"), yaml.Replace("\r\n", "\n", StringComparison.Ordinal));

    [Fact]
    public async Task ALaunchedContainerRunsUnprivilegedHidesHostNamesAndLeavesNothingBehind()
    {
        await PrepareAsync();
        var mountsBefore = DaemonMounts();
        var created = await CreateAsync("it-c1", start: true);
        Assert.Equal(200, created.GetProperty("status_code").GetInt32());
        try
        {
            var instance = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-c1?recursion=1")).Metadata;
            Assert.Equal("Running", instance.GetProperty("status").GetString());
            int pid = instance.GetProperty("state").GetProperty("pid").GetInt32();
            var (start, size) = VolatileRange(instance);
            Assert.Equal(SubordinateIds.ForRoot().Start, start);
            Assert.Equal((uint)start, ProcessStatus.Read(pid).RealUid);
            Assert.Equal($"0 {start} {size}", string.Join(' ', File.ReadAllText($"/proc/{pid}/uid_map").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));

            Assert.Equal("0", (await AttachAsync("it-c1", "/bin/busybox", "id", "-u")).EnsureSuccess("id").Output.Trim());
            Assert.Equal("", (await AttachAsync("it-c1", "/bin/busybox", "ls", "/sys/kernel/slab")).EnsureSuccess("ls slab").Output.Trim());
            Assert.Equal("", (await AttachAsync("it-c1", "/bin/busybox", "cat", "/proc/sched_debug")).Output.Trim());
            // The container's root is the pool's rootfs directory, so a mount of it left behind would
            // show up in the tables compared at the end.
            Assert.Contains(MountTable.Under(pid, InstanceDirectory("it-c1")), line => line.Split(' ')[4] == "/");

            Assert.Contains((await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default")).Metadata.GetProperty("used_by").EnumerateArray(),
                u => u.GetString() == "/1.0/instances/it-c1");
            Assert.Contains((await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/storage-pools/default")).Metadata.GetProperty("used_by").EnumerateArray(),
                u => u.GetString() == "/1.0/instances/it-c1");
            Assert.Equal(400, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, "/1.0/storage-pools/default")).Status);

            string directory = Path.Combine(Daemon.Directory, "storage-pools", "default", "containers", "it-c1");
            Assert.Equal(UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            await TestUsers.EnsureAsync();
            Assert.NotEqual(0, (await Command.RunAsUserAsync(TestUsers.Outsider, "/bin/ls", [directory])).ExitCode);

            var stopped = await WaitAsync(await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0/instances/it-c1/state", "{\"action\":\"stop\",\"force\":true}"));
            Assert.Equal(200, stopped.GetProperty("status_code").GetInt32());
            Assert.False(Directory.Exists($"/proc/{pid}"));
            Assert.Equal("Stopped", (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-c1/state")).Metadata.GetProperty("status").GetString());
        }
        finally
        {
            await DeleteAsync("it-c1");
        }
        Assert.False(Directory.Exists(Path.Combine(Daemon.Directory, "storage-pools", "default", "containers", "it-c1")));
        Assert.False(Directory.Exists(Path.Combine(LxcPath, "it-c1")));
        Assert.Equal("", (await Command.RunAsync("/usr/bin/pgrep", "-f", $"lxc monitor\\] {LxcPath} it-c1")).Output.Trim());
        AssertMountsUnchanged(mountsBefore, "it-c1");
    }

    [Fact]
    public async Task IsolatedContainersGetDisjointRangesAndExhaustionGivesNumbers()
    {
        await PrepareAsync();
        string[] names = ["it-iso1", "it-iso2", "it-iso3"];
        try
        {
            var ranges = new List<(long Start, long Size)>();
            foreach (string name in names)
            {
                Assert.Equal(200, (await CreateAsync(name, start: false, new Dictionary<string, string> { ["security.idmap.isolated"] = "true" })).GetProperty("status_code").GetInt32());
                ranges.Add(VolatileRange((await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances/{name}")).Metadata));
            }
            (long Start, long Size) shared = (SubordinateIds.ForRoot().Start, 65536L);
            foreach (var range in ranges.Append(shared))
            {
                Assert.Single(ranges.Append(shared), other => other.Start < range.Start + range.Size && range.Start < other.Start + other.Size);
            }

            long total = SubordinateIds.ForRoot().Size;
            var exhausted = await CreateAsync("it-iso4", start: false, new Dictionary<string, string>
            {
                ["security.idmap.isolated"] = "true",
                ["security.idmap.size"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            Assert.Equal(400, exhausted.GetProperty("status_code").GetInt32());
            string error = exhausted.GetProperty("err").GetString()!;
            Assert.Contains($"needs {total}", error);
            Assert.Contains("largest free range has", error);
            Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-iso4")).Status);
        }
        finally
        {
            foreach (string name in names)
            {
                await DeleteAsync(name);
            }
        }
    }

    [Fact]
    public async Task APrivilegedContainerSharesHostIdsAndTheCliWarns()
    {
        await PrepareAsync();
        try
        {
            var launched = await Command.RunAsync(Stage.Cli, ["launch", Image, "it-priv", "-c", "security.privileged=true"], CliEnvironment);
            Assert.True(launched.ExitCode == 0, launched.Error);
            Assert.Contains("WARNING", launched.Error);
            Assert.Contains("escape", launched.Error);
            var state = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-priv/state")).Metadata;
            int pid = state.GetProperty("pid").GetInt32();
            Assert.Equal("0 0 4294967295", string.Join(' ', File.ReadAllText($"/proc/{pid}/uid_map").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
            var owner = (await Command.RunAsync("/usr/bin/stat", "-c", "%u %a", Path.Combine(Daemon.Directory, "storage-pools", "default", "containers", "it-priv"))).EnsureSuccess("stat");
            Assert.Equal("0 100", owner.Output.Trim());
            // Without a user namespace nothing but the masks keeps the host's kernel object names out of
            // view: root in this container could read them otherwise.
            Assert.Equal("", (await AttachAsync("it-priv", "/bin/busybox", "ls", "/sys/kernel/slab")).EnsureSuccess("ls slab").Output.Trim());
            Assert.Equal("", (await AttachAsync("it-priv", "/bin/busybox", "cat", "/proc/sched_debug")).Output.Trim());
        }
        finally
        {
            await DeleteAsync("it-priv");
        }
    }

    [Theory]
    [InlineData("{\"name\":\"bad_name\",\"source\":{\"type\":\"image\",\"alias\":\"it-instances\"}}", 400, "Invalid instance name")]
    [InlineData("{\"name\":\"it-x\",\"source\":{\"type\":\"image\",\"alias\":\"no-such-image\"}}", 404, "not found")]
    [InlineData("{\"name\":\"it-x\",\"source\":{\"type\":\"none\"}}", 400, "local image")]
    [InlineData("{\"name\":\"it-x\",\"source\":{\"type\":\"image\",\"alias\":\"it-instances\"},\"config\":{\"limits.cpu\":\"2\"}}", 400, "limits.cpu")]
    [InlineData("{\"name\":\"it-x\",\"source\":{\"type\":\"image\",\"alias\":\"it-instances\"},\"profiles\":[]}", 400, "root disk")]
    [InlineData("{\"name\":\"it-x\",\"source\":{\"type\":\"image\",\"alias\":\"it-instances\"},\"config\":{\"volatile.idmap.base\":\"0\"}}", 400, "volatile")]
    public async Task BadCreationsAreRefusedUpFront(string body, int status, string message)
    {
        await PrepareAsync();
        var answer = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/instances", body);
        Assert.Equal(status, answer.Status);
        Assert.Contains(message, answer.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-x")).Status);
    }

    [Fact]
    public async Task TheRealLxcClientLaunchesListsStopsStartsAndDeletes()
    {
        await PrepareAsync();
        string config = Directory.CreateTempSubdirectory("incus-it-lxc-").FullName;
        var environment = new Dictionary<string, string> { ["LXD_SOCKET"] = Daemon.SocketPath, ["LXD_CONF"] = config };
        async Task<Command.Result> Lxc(params string[] arguments)
        {
            var result = await Command.RunAsync("/usr/bin/lxc", arguments, environment, timeout: TimeSpan.FromSeconds(120));
            Assert.True(result.ExitCode == 0, $"lxc {string.Join(' ', arguments)}: {result.Error}");
            return result;
        }
        try
        {
            await Lxc("launch", Image, "it-lxc");
            Assert.Contains("it-lxc,RUNNING", (await Lxc("list", "--format", "csv", "-c", "ns")).Output);
            using (var json = JsonDocument.Parse((await Lxc("list", "--format", "json")).Output))
            {
                Assert.Contains(json.RootElement.EnumerateArray(), i => i.GetProperty("name").GetString() == "it-lxc");
            }
            Assert.Contains("Status: RUNNING", (await Lxc("info", "it-lxc")).Output);
            using var firstRun = PidNamespace.Of(await InitPidAsync("it-lxc"));
            await PlantStopWitnessAsync("it-lxc");
            await Lxc("stop", "it-lxc", "--force");
            Assert.False(StopWitnessWrote("it-lxc"), "a forced stop let the container's processes handle SIGTERM");
            await AssertStoppedWithNoProcessesAsync("it-lxc", firstRun);
            Assert.Contains("it-lxc,STOPPED", (await Lxc("list", "--format", "csv", "-c", "ns")).Output);
            await Lxc("start", "it-lxc");

            // A plain stop asks the container's init to shut down, which sends SIGTERM to every process first.
            using var secondRun = PidNamespace.Of(await InitPidAsync("it-lxc"));
            await PlantStopWitnessAsync("it-lxc");
            await Lxc("stop", "it-lxc");
            Assert.True(StopWitnessWrote("it-lxc"), "lxc stop without --force did not shut the container down gracefully");
            await AssertStoppedWithNoProcessesAsync("it-lxc", secondRun);
            Assert.Contains("it-lxc,STOPPED", (await Lxc("list", "--format", "csv", "-c", "ns")).Output);
            await Lxc("start", "it-lxc");
            await Lxc("delete", "-f", "it-lxc");
            Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-lxc")).Status);
        }
        finally
        {
            await DeleteAsync("it-lxc");
            Directory.Delete(config, recursive: true);
        }
    }

    [Fact]
    public async Task ConfigUpdatesHonourEtagsValidationAndVolatileKeys()
    {
        await PrepareAsync();
        try
        {
            Assert.Equal(200, (await CreateAsync("it-cfg", start: false)).GetProperty("status_code").GetInt32());
            Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0/instances/it-cfg", "{\"config\":{\"user.team\":\"qa\"}}")).Status);
            var current = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-cfg");
            Assert.Equal("qa", current.Metadata.GetProperty("config").GetProperty("user.team").GetString());
            string volatileBase = current.Metadata.GetProperty("config").GetProperty("volatile.idmap.base").GetString()!;

            var stale = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0/instances/it-cfg", "{\"config\":{}}",
                new Dictionary<string, string> { ["If-Match"] = "\"stale\"" });
            Assert.Equal(412, stale.Status);
            var invalid = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0/instances/it-cfg", "{\"config\":{\"limits.cpu\":\"2\"}}");
            Assert.Equal(400, invalid.Status);
            Assert.Contains("limits.cpu", invalid.Error);
            var impossibleMap = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0/instances/it-cfg",
                "{\"config\":{\"security.privileged\":\"true\",\"security.idmap.isolated\":\"true\"}}");
            Assert.Equal(400, impossibleMap.Status);
            Assert.Contains("security.privileged", impossibleMap.Error);

            var put = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0/instances/it-cfg",
                "{\"config\":{\"user.team\":\"ops\",\"volatile.idmap.base\":\"1\"},\"profiles\":[\"default\"]}",
                new Dictionary<string, string> { ["If-Match"] = current.Message.Headers.ETag!.Tag });
            Assert.Equal(200, (await WaitAsync(put)).GetProperty("status_code").GetInt32());
            var after = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-cfg")).Metadata.GetProperty("config");
            Assert.Equal("ops", after.GetProperty("user.team").GetString());
            Assert.Equal(volatileBase, after.GetProperty("volatile.idmap.base").GetString());

            string lxcConfig = Directory.CreateTempSubdirectory("incus-it-lxc-").FullName;
            try
            {
                var environment = new Dictionary<string, string> { ["LXD_SOCKET"] = Daemon.SocketPath, ["LXD_CONF"] = lxcConfig };
                var set = await Command.RunAsync("/usr/bin/lxc", ["config", "set", "it-cfg", "user.via-lxc=yes"], environment, timeout: TimeSpan.FromSeconds(60));
                Assert.True(set.ExitCode == 0, set.Error);
                var shown = await Command.RunAsync("/usr/bin/lxc", ["config", "show", "it-cfg"], environment, timeout: TimeSpan.FromSeconds(60));
                Assert.Contains("user.via-lxc: \"yes\"", shown.Output);
                var before = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default")).Metadata.GetRawText();
                var overridden = await Command.RunAsync("/usr/bin/lxc", ["config", "device", "override", "it-cfg", "root", "pool=default"], environment, timeout: TimeSpan.FromSeconds(60));
                Assert.True(overridden.ExitCode == 0, overridden.Error);
                var devices = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-cfg")).Metadata.GetProperty("devices");
                Assert.Equal("default", devices.GetProperty("root").GetProperty("pool").GetString());
                Assert.Equal(before, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default")).Metadata.GetRawText());

                // The profile's eth0 has no mtu: the override must carry the new key and copy the others.
                Assert.False(ProfileDevice("eth0", before).TryGetProperty("mtu", out _));
                var nic = await Command.RunAsync("/usr/bin/lxc", ["config", "device", "override", "it-cfg", "eth0", "mtu=1400"], environment, timeout: TimeSpan.FromSeconds(60));
                Assert.True(nic.ExitCode == 0, nic.Error);
                var overriddenNic = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-cfg")).Metadata;
                Assert.Equal("1400", overriddenNic.GetProperty("devices").GetProperty("eth0").GetProperty("mtu").GetString());
                Assert.Equal(ProfileDevice("eth0", before).GetProperty("network").GetString(),
                    overriddenNic.GetProperty("devices").GetProperty("eth0").GetProperty("network").GetString());
                Assert.Equal("1400", overriddenNic.GetProperty("expanded_devices").GetProperty("eth0").GetProperty("mtu").GetString());
                var shownNic = await Command.RunAsync("/usr/bin/lxc", ["config", "show", "it-cfg"], environment, timeout: TimeSpan.FromSeconds(60));
                Assert.True(shownNic.ExitCode == 0, shownNic.Error);
                AssertShownDeviceKey(shownNic.Output, "eth0", "mtu", "1400");
                Assert.Equal(before, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default")).Metadata.GetRawText());
            }
            finally
            {
                Directory.Delete(lxcConfig, recursive: true);
            }
        }
        finally
        {
            await DeleteAsync("it-cfg");
        }
    }

    [Fact]
    public async Task TheCliManagesInstanceConfigAndDevices()
    {
        await PrepareAsync();
        async Task<Command.Result> Incus(params string[] arguments) =>
            (await Command.RunAsync(Stage.Cli, arguments, CliEnvironment, timeout: TimeSpan.FromSeconds(120))).EnsureSuccess($"incus {string.Join(' ', arguments)}");
        try
        {
            await Incus("init", Image, "it-cli");
            await Incus("config", "set", "it-cli", "user.a=b");
            Assert.Equal("b", (await Incus("config", "get", "it-cli", "user.a")).Output.Trim());
            await Incus("config", "set", "user.server-side=1");
            Assert.Equal("1", (await Incus("config", "get", "user.server-side")).Output.Trim());

            string profileBefore = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default")).Metadata.GetRawText();
            await Incus("config", "device", "override", "it-cli", "root", "pool=default");
            Assert.Contains("root:", (await Incus("config", "show", "it-cli")).Output);
            Assert.Equal(profileBefore, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default")).Metadata.GetRawText());
            var again = await Command.RunAsync(Stage.Cli, ["config", "device", "override", "it-cli", "root"], CliEnvironment);
            Assert.Contains("already exists", again.Error);

            // A profile NIC overridden with a key the profile does not set: the instance gets the whole
            // device with the new key, the profile stays as it was, and the running container uses it.
            Assert.False(ProfileDevice("eth0", profileBefore).TryGetProperty("mtu", out _));
            await Incus("config", "device", "override", "it-cli", "eth0", "mtu=1400");
            var withNic = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-cli")).Metadata;
            Assert.Equal("1400", withNic.GetProperty("devices").GetProperty("eth0").GetProperty("mtu").GetString());
            Assert.Equal(ProfileDevice("eth0", profileBefore).GetProperty("network").GetString(),
                withNic.GetProperty("devices").GetProperty("eth0").GetProperty("network").GetString());
            AssertShownDeviceKey((await Incus("config", "show", "it-cli")).Output, "eth0", "mtu", "1400");
            Assert.Equal(profileBefore, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default")).Metadata.GetRawText());
            await Incus("start", "it-cli");
            Assert.Equal("1400", (await AttachAsync("it-cli", "/bin/busybox", "cat", "/sys/class/net/eth0/mtu")).EnsureSuccess("read the mtu").Output.Trim());
            await Incus("stop", "-f", "it-cli");
            await Incus("config", "device", "remove", "it-cli", "eth0");

            await Incus("config", "device", "set", "it-cli", "root", "pool=default");
            var unsetPool = await Command.RunAsync(Stage.Cli, ["config", "device", "unset", "it-cli", "root", "pool"], CliEnvironment);
            Assert.Equal(1, unsetPool.ExitCode);
            Assert.Contains("needs a pool", unsetPool.Error);

            await Incus("profile", "create", "it-extra");
            await Incus("profile", "set", "it-extra", "user.extra=1");
            await Incus("profile", "assign", "it-cli", "default,it-extra");
            var assigned = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-cli")).Metadata;
            Assert.Equal(["default", "it-extra"], assigned.GetProperty("profiles").EnumerateArray().Select(p => p.GetString()!).ToArray());
            Assert.Equal("1", assigned.GetProperty("expanded_config").GetProperty("user.extra").GetString());
            await Incus("profile", "assign", "it-cli", "default");
            await Incus("profile", "delete", "it-extra");

            await Incus("config", "device", "remove", "it-cli", "root");
            Assert.Empty((await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-cli")).Metadata.GetProperty("devices").EnumerateObject());
            var fromProfile = await Command.RunAsync(Stage.Cli, ["config", "device", "remove", "it-cli", "root"], CliEnvironment);
            Assert.Contains("Device from profile(s) cannot be removed", fromProfile.Error);
            var setOnProfileDevice = await Command.RunAsync(Stage.Cli, ["config", "device", "set", "it-cli", "root", "pool=default"], CliEnvironment);
            Assert.Contains("Device from profile(s) cannot be modified", setOnProfileDevice.Error);
            await Incus("config", "unset", "user.server-side");
        }
        finally
        {
            await DeleteAsync("it-cli");
        }
    }

    [Fact]
    public async Task TheCliStartsStopsRestartsShowsListsAndDeletes()
    {
        await PrepareAsync();
        async Task<Command.Result> Incus(params string[] arguments) =>
            (await Command.RunAsync(Stage.Cli, arguments, CliEnvironment, timeout: TimeSpan.FromSeconds(120))).EnsureSuccess($"incus {string.Join(' ', arguments)}");
        var mountsBefore = DaemonMounts();
        try
        {
            await Incus("init", Image, "it-life");
            Assert.Equal("Stopped", (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-life/state")).Metadata.GetProperty("status").GetString());
            await Incus("start", "it-life");
            int pid = await InitPidAsync("it-life");

            var info = (await Incus("info", "it-life")).Output.Split('\n');
            Assert.Contains("Name: it-life", info);
            Assert.Contains("Status: RUNNING", info);
            Assert.Contains($"PID: {pid}", info);
            var table = (await Incus("list")).Output.Split('\n');
            Assert.Contains(table, row => System.Text.RegularExpressions.Regex.IsMatch(row, @"^\|\s*it-life\s*\|\s*RUNNING\s*\|"));
            Assert.Contains("  status: Running", ListedYamlItem((await Incus("list", "--format", "yaml")).Output, "it-life"));

            // Plain stop: init shuts down, its processes get SIGTERM, and nothing outlives it.
            using var firstRun = PidNamespace.Of(pid);
            await PlantStopWitnessAsync("it-life");
            // The scan that must come back empty after the stop finds init and the witness now.
            Assert.Contains(pid, firstRun.Members());
            Assert.True(firstRun.Members().Count >= 2, "the stop witness is not in the container's pid namespace");
            await Incus("stop", "it-life");
            Assert.True(StopWitnessWrote("it-life"), "incus stop without -f did not shut the container down gracefully");
            await AssertStoppedWithNoProcessesAsync("it-life", firstRun);
            Assert.Contains("Status: STOPPED", (await Incus("info", "it-life")).Output.Split('\n'));
            Assert.Contains("  status: Stopped", ListedYamlItem((await Incus("list", "--format", "yaml")).Output, "it-life"));

            // Restart is a graceful stop and a start: a new init in a new pid namespace, the old one empty.
            await Incus("start", "it-life");
            int beforeRestart = await InitPidAsync("it-life");
            using var secondRun = PidNamespace.Of(beforeRestart);
            await PlantStopWitnessAsync("it-life");
            await Incus("restart", "it-life");
            int afterRestart = await InitPidAsync("it-life");
            Assert.NotEqual(beforeRestart, afterRestart);
            Assert.True(StopWitnessWrote("it-life"), "incus restart did not stop the container gracefully");
            Assert.Empty(secondRun.Members());

            // stop -f kills at once: the witness never sees SIGTERM.
            using var thirdRun = PidNamespace.Of(afterRestart);
            await PlantStopWitnessAsync("it-life");
            await Incus("stop", "-f", "it-life");
            Assert.False(StopWitnessWrote("it-life"), "incus stop -f let the container's processes handle SIGTERM");
            await AssertStoppedWithNoProcessesAsync("it-life", thirdRun);

            await Incus("start", "it-life");
            using var lastRun = PidNamespace.Of(await InitPidAsync("it-life"));
            var refused = await Command.RunAsync(Stage.Cli, ["delete", "it-life"], CliEnvironment);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("currently running", refused.Error);
            Assert.Equal("Running", (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-life/state")).Metadata.GetProperty("status").GetString());
            await Incus("delete", "-f", "it-life");
            Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-life")).Status);
            Assert.Empty(lastRun.Members());
            Assert.DoesNotContain("it-life", (await Incus("list")).Output);
        }
        finally
        {
            await DeleteAsync("it-life");
        }
        Assert.False(Directory.Exists(InstanceDirectory("it-life")));
        Assert.False(Directory.Exists(Path.Combine(LxcPath, "it-life")));
        Assert.Equal("", (await Command.RunAsync("/usr/bin/pgrep", "-f", $"lxc monitor\\] {LxcPath} it-life")).Output.Trim());
        AssertMountsUnchanged(mountsBefore, "it-life");
    }

    [Fact]
    public async Task ListsHonourFiltersAndTheLegacyContainersPathsServeInstances()
    {
        await PrepareAsync();
        async Task<string[]> Names(string query)
        {
            var answer = await UnixHttp.GetAsync(Daemon.SocketPath, query);
            Assert.True(answer.Status == 200, $"{query}: {answer.Status} {answer.Error}");
            return answer.Metadata.EnumerateArray()
                .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetProperty("name").GetString()!)
                .Where(n => n.Contains("it-filter", StringComparison.Ordinal)).Order().ToArray();
        }
        string Filter(string expression) => Uri.EscapeDataString(expression);
        try
        {
            Assert.Equal(200, (await CreateAsync("it-filter-up", start: true)).GetProperty("status_code").GetInt32());
            Assert.Equal(200, (await CreateAsync("it-filter-down", start: false, new Dictionary<string, string> { ["user.team"] = "qa" })).GetProperty("status_code").GetInt32());

            Assert.Equal(["/1.0/instances/it-filter-down", "/1.0/instances/it-filter-up"], await Names("/1.0/instances"));
            Assert.Equal(["/1.0/instances/it-filter-up"], await Names($"/1.0/instances?filter={Filter("name eq it-filter-up")}"));
            Assert.Equal(["it-filter-up"], await Names($"/1.0/instances?recursion=1&filter={Filter("status eq Running")}"));
            Assert.Equal(["it-filter-down"], await Names($"/1.0/instances?recursion=2&filter={Filter("status eq Stopped")}"));
            Assert.Equal(["it-filter-down"], await Names($"/1.0/instances?recursion=1&filter={Filter("config.user.team eq qa")}"));
            Assert.Equal(["it-filter-up"], await Names($"/1.0/instances?recursion=1&filter={Filter("not name eq it-filter-down")}"));
            Assert.Equal(["it-filter-down", "it-filter-up"],
                await Names($"/1.0/instances?recursion=1&filter={Filter("name eq it-filter-up or status eq Stopped")}"));
            Assert.Empty(await Names($"/1.0/instances?recursion=1&filter={Filter("name eq it-filter-up and status eq Stopped")}"));
            var bad = await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances?filter={Filter("name gt a")}");
            Assert.Equal(400, bad.Status);
            Assert.Contains("unknown operator", bad.Error);

            // pylxd 2.2 speaks only /1.0/containers: the same instances under the old name, with their state.
            Assert.Equal(["/1.0/containers/it-filter-down", "/1.0/containers/it-filter-up"], await Names("/1.0/containers"));
            Assert.Equal(["/1.0/containers/it-filter-up"], await Names($"/1.0/containers?filter={Filter("status eq Running")}"));
            var legacy = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/containers/it-filter-up");
            Assert.Equal(200, legacy.Status);
            Assert.Equal("it-filter-up", legacy.Metadata.GetProperty("name").GetString());
            Assert.Equal("Running", legacy.Metadata.GetProperty("status").GetString());
            Assert.Equal(await InitPidAsync("it-filter-up"),
                (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/containers/it-filter-up/state")).Metadata.GetProperty("pid").GetInt32());
            Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/containers/it-filter-none")).Status);
        }
        finally
        {
            await DeleteAsync("it-filter-up");
            await DeleteAsync("it-filter-down");
        }
    }

    [Fact]
    public async Task TheRealLxcClientExecsWithOutputStdinAndExitStatus()
    {
        await PrepareAsync();
        string config = Directory.CreateTempSubdirectory("incus-it-lxc-").FullName;
        var environment = new Dictionary<string, string> { ["LXD_SOCKET"] = Daemon.SocketPath, ["LXD_CONF"] = config };
        try
        {
            Assert.Equal(200, (await CreateAsync("it-exec", start: true)).GetProperty("status_code").GetInt32());
            var failing = await Command.RunAsync("/usr/bin/lxc", ["exec", "it-exec", "--", "/bin/sh", "-c", "echo hi; echo oops >&2; exit 3"], environment,
                timeout: TimeSpan.FromSeconds(60));
            Assert.Equal(3, failing.ExitCode);
            Assert.Equal("hi", failing.Output.Trim());
            Assert.Contains("oops", failing.Error);

            var id = await Command.RunAsync("/usr/bin/lxc", ["exec", "it-exec", "--", "/bin/busybox", "id", "-u"], environment, timeout: TimeSpan.FromSeconds(60));
            Assert.Equal(0, id.ExitCode);
            Assert.Equal("0", id.Output.Trim());

            var echoed = await Command.RunAsync("/usr/bin/lxc", ["exec", "it-exec", "--", "/bin/cat"], environment, "line one\nline two\n", TimeSpan.FromSeconds(60));
            Assert.Equal(0, echoed.ExitCode);
            Assert.Equal("line one\nline two\n", echoed.Output);

            var env = await Command.RunAsync("/usr/bin/lxc", ["exec", "it-exec", "--env", "GREETING=hello", "--", "/bin/sh", "-c", "echo $GREETING"], environment,
                timeout: TimeSpan.FromSeconds(60));
            Assert.Equal("hello", env.Output.Trim());

            // lxc-attach starts from an empty environment; the daemon adds Incus's defaults, and what the client sends wins.
            var defaults = await Command.RunAsync(Stage.Cli, ["exec", "it-exec", "--env", "LANG=C", "--", "/bin/busybox", "env"], CliEnvironment,
                timeout: TimeSpan.FromSeconds(60));
            var variables = defaults.EnsureSuccess("incus exec env").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", variables);
            Assert.Contains("HOME=/root", variables);
            Assert.Contains("USER=root", variables);
            Assert.Contains("LANG=C", variables);

            var columns = await Command.RunAsync(Stage.Cli, ["list", "-c", "ns", "--format", "csv"], CliEnvironment);
            Assert.Contains("it-exec,RUNNING", columns.EnsureSuccess("incus list -c ns").Output.Split('\n'));
            var unknownColumn = await Command.RunAsync(Stage.Cli, ["list", "-c", "nx"], CliEnvironment);
            Assert.NotEqual(0, unknownColumn.ExitCode);
            Assert.Contains("Unknown column shorthand char 'x' in 'nx'", unknownColumn.Error);

            var slab = await Command.RunAsync("/usr/bin/lxc", ["exec", "it-exec", "--", "/bin/busybox", "ls", "/sys/kernel/slab"], environment, timeout: TimeSpan.FromSeconds(60));
            Assert.Equal(0, slab.ExitCode);
            Assert.Equal("", slab.Output.Trim());
            var ours = await Command.RunAsync(Stage.Cli, ["exec", "it-exec", "--env", "WHO=incus", "--", "/bin/sh", "-c", "read line; echo $line $WHO; echo e >&2; exit 5"],
                CliEnvironment, "from stdin\n", TimeSpan.FromSeconds(60));
            Assert.Equal(5, ours.ExitCode);
            Assert.Equal("from stdin incus", ours.Output.Trim());
            Assert.Equal("e", ours.Error.Trim());
            Assert.Empty(Directory.GetFiles(Path.Combine(Daemon.Directory, "run"), "exec-*"));
        }
        finally
        {
            await DeleteAsync("it-exec");
            Directory.Delete(config, recursive: true);
        }
    }

    [Fact]
    public async Task ExecWebsocketsRefuseWrongSecretsAndExecNeedsARunningInstance()
    {
        await PrepareAsync();
        try
        {
            Assert.Equal(200, (await CreateAsync("it-exec2", start: false)).GetProperty("status_code").GetInt32());
            string body = "{\"command\":[\"/bin/true\"],\"wait-for-websocket\":true,\"interactive\":false}";
            var stopped = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/instances/it-exec2/exec", body);
            Assert.Equal(400, stopped.Status);
            Assert.Contains("not running", stopped.Error);
            await WaitAsync(await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0/instances/it-exec2/state", "{\"action\":\"start\"}"));
            var started = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/instances/it-exec2/exec", body);
            Assert.Equal(202, started.Status);
            Assert.Equal("websocket", started.Metadata.GetProperty("class").GetString());
            string operation = started.Body.GetProperty("operation").GetString()!;
            var wrong = await UnixHttp.GetAsync(Daemon.SocketPath, $"{operation}/websocket?secret=nope");
            Assert.Equal(403, wrong.Status);
            var unattended = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/instances/it-exec2/exec",
                "{\"command\":[\"/bin/sh\"],\"wait-for-websocket\":false,\"interactive\":true}");
            Assert.Equal(400, unattended.Status);
            Assert.Contains("wait-for-websocket", unattended.Error);
        }
        finally
        {
            await DeleteAsync("it-exec2");
        }
    }

    [Fact]
    public async Task LifecycleAndOperationEventsReachListeners()
    {
        await PrepareAsync();
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        using var invoker = new HttpMessageInvoker(UnixHttp.Handler(Daemon.SocketPath));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await socket.ConnectAsync(new Uri("ws://unix.socket/1.0/events?type=lifecycle,operation"), invoker, timeout.Token);
        var received = new List<JsonElement>();
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[1 << 16];
            while (!timeout.IsCancellationRequested)
            {
                var message = await socket.ReceiveAsync(buffer, timeout.Token);
                if (message.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    break;
                }
                lock (received)
                {
                    received.Add(JsonDocument.Parse(buffer.AsMemory(0, message.Count)).RootElement.Clone());
                }
            }
        });
        try
        {
            await CreateAsync("it-events", start: true);
            await WaitAsync(await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0/instances/it-events/state", "{\"action\":\"stop\",\"force\":true}"));
        }
        finally
        {
            await DeleteAsync("it-events");
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string[] expected = ["instance-created", "instance-started", "instance-stopped", "instance-deleted"];
        List<string> actions;
        while (true)
        {
            lock (received)
            {
                actions = received.Where(e => e.GetProperty("type").GetString() == "lifecycle")
                    .Select(e => e.GetProperty("metadata").GetProperty("action").GetString()!)
                    .Where(a => a.StartsWith("instance-", StringComparison.Ordinal)).ToList();
            }
            if (expected.All(actions.Contains) || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(expected, actions.Where(expected.Contains).Distinct().ToArray());
        lock (received)
        {
            Assert.Contains(received, e => e.GetProperty("type").GetString() == "operation"
                && e.GetProperty("metadata").GetProperty("status").GetString() == "Success");
        }
        await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await reader;
    }
}
