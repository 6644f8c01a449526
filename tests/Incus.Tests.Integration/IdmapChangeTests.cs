using System.Globalization;
using System.Text.Json;
using Incus.Platform;

namespace Incus.Tests.Integration;

/// <summary>
/// Changing security.privileged and security.idmap.* on existing instances: a new volatile.idmap.next
/// chosen at once, applied at the next start, with the instance directory following the container's root.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class IdmapChangeTests(DaemonFixture fixture)
{
    private const string Privileged = "0 0 4294967295";
    private RunningDaemon Daemon => fixture.Daemon;
    private DaemonInstances Instances => new(Daemon, "it-idmap-image");
    private static long RootStart => SubordinateIds.ForRoot().Start;

    private static (long Start, long Size)? Map(JsonElement instance, string key)
    {
        using var map = JsonDocument.Parse(instance.GetProperty("config").GetProperty(key).GetString()!);
        return map.RootElement.EnumerateArray().Where(e => e.GetProperty("Isuid").GetBoolean())
            .Select(e => ((long, long)?)(e.GetProperty("Hostid").GetInt64(), e.GetProperty("Maprange").GetInt64()))
            .SingleOrDefault();
    }

    private static string UidMapLine((long Start, long Size)? map) => map is { } m ? $"0 {m.Start} {m.Size}" : Privileged;

    private static string UidMapOf(int pid) =>
        string.Join(' ', File.ReadAllText($"/proc/{pid}/uid_map").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private async Task<int> PidAsync(string name) =>
        (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/instances/{name}/state")).Metadata.GetProperty("pid").GetInt32();

    private string InstanceDirectory(string name) => Path.Combine(Daemon.Directory, "storage-pools", "default", "containers", name);

    /// <summary>"uid gid mode" of a path on the host.</summary>
    private static async Task<string> OwnerAsync(string path) =>
        (await Command.RunAsync("/usr/bin/stat", "-c", "%u %g %a", path)).EnsureSuccess($"stat {path}").Output.Trim();

    private async Task<string> ExecAsync(string name, params string[] command) =>
        (await Command.RunAsync(Stage.Cli, ["exec", name, "--", .. command], Instances.CliEnvironment, timeout: TimeSpan.FromSeconds(60)))
            .EnsureSuccess($"exec {string.Join(' ', command)} in {name}").Output.Trim();

    /// <summary>Starts the instance and checks that it runs with its next map, now recorded as current, and owns its directory.</summary>
    private async Task<int> StartAndCheckMapAsync(string name)
    {
        await Instances.ChangeStateAsync(name, "start");
        var instance = await Instances.GetAsync(name);
        var current = Map(instance, "volatile.idmap.current");
        Assert.Equal(Map(instance, "volatile.idmap.next"), current);
        int pid = await PidAsync(name);
        Assert.Equal(UidMapLine(current), UidMapOf(pid));
        long root = current?.Start ?? 0;
        Assert.Equal($"{root} {root} 100", await OwnerAsync(InstanceDirectory(name)));
        Assert.Equal("0", await ExecAsync(name, "/bin/busybox", "id", "-u"));
        return pid;
    }

    [Fact]
    public async Task AStoppedInstanceGetsItsNewMapAtTheNextStart()
    {
        await Instances.PrepareAsync();
        try
        {
            await Instances.CreateOrFailAsync("it-map-a", start: false, new Dictionary<string, string> { ["security.idmap.isolated"] = "true" });
            await Instances.CreateOrFailAsync("it-map-b", start: false);
            var a = Map(await Instances.GetAsync("it-map-a"), "volatile.idmap.next")!.Value;
            var shared = Map(await Instances.GetAsync("it-map-b"), "volatile.idmap.current")!.Value;
            Assert.Equal((RootStart, 65536L), shared);

            Assert.Equal(200, (await Instances.SetConfigAsync("it-map-b", new Dictionary<string, string> { ["security.idmap.isolated"] = "true" })).Status);
            var b = await Instances.GetAsync("it-map-b");
            var next = Map(b, "volatile.idmap.next")!.Value;
            Assert.Equal(shared, Map(b, "volatile.idmap.current"));
            Assert.Equal(65536, next.Size);
            Assert.NotEqual(RootStart, next.Start);
            Assert.False(next.Start < a.Start + a.Size && a.Start < next.Start + next.Size, $"{next} overlaps {a}");
            Assert.Equal(next.Start.ToString(CultureInfo.InvariantCulture), b.GetProperty("config").GetProperty("volatile.idmap.base").GetString());
            Assert.Equal($"{RootStart} {RootStart} 100", await OwnerAsync(InstanceDirectory("it-map-b")));

            await StartAndCheckMapAsync("it-map-b");
            // The root filesystem is not shifted: what the container's root writes is owned by 0 on disk.
            await ExecAsync("it-map-b", "/bin/busybox", "touch", "/written-by-root");
            Assert.Equal("0", await ExecAsync("it-map-b", "/bin/busybox", "stat", "-c", "%u", "/bin/busybox"));
            Assert.StartsWith("0 0 ", await OwnerAsync(Path.Combine(InstanceDirectory("it-map-b"), "rootfs", "written-by-root")));
            await Instances.ChangeStateAsync("it-map-b", "stop");

            Assert.Equal(200, (await Instances.SetConfigAsync("it-map-b", new Dictionary<string, string> { ["security.idmap.size"] = "100000" })).Status);
            Assert.Equal(100000, Map(await Instances.GetAsync("it-map-b"), "volatile.idmap.next")!.Value.Size);
            await StartAndCheckMapAsync("it-map-b");
        }
        finally
        {
            await Instances.DeleteAsync("it-map-b");
            await Instances.DeleteAsync("it-map-a");
        }
    }

    [Fact]
    public async Task AContainerSwitchesBetweenUnprivilegedAndPrivilegedBothWays()
    {
        await Instances.PrepareAsync();
        string rootfs = Path.Combine(InstanceDirectory("it-flip"), "rootfs");
        try
        {
            await Instances.CreateOrFailAsync("it-flip", start: false);
            await StartAndCheckMapAsync("it-flip");
            await ExecAsync("it-flip", "/bin/busybox", "touch", "/made-unprivileged");
            await Instances.ChangeStateAsync("it-flip", "stop");

            foreach (bool privileged in new[] { true, false, true })
            {
                var set = await Command.RunAsync(Stage.Cli, ["config", "set", "it-flip", $"security.privileged={(privileged ? "true" : "false")}"], Instances.CliEnvironment);
                Assert.True(set.ExitCode == 0, set.Error);
                Assert.Equal(privileged, set.Error.Contains("WARNING: it-flip is privileged", StringComparison.Ordinal));
                var pending = await Instances.GetAsync("it-flip");
                Assert.Equal(privileged, Map(pending, "volatile.idmap.next") is null);
                Assert.Equal(!privileged, Map(pending, "volatile.idmap.current") is null);

                int pid = await StartAndCheckMapAsync("it-flip");
                Assert.Equal(privileged, UidMapOf(pid) == Privileged);
                Assert.Equal(privileged ? 0u : (uint)RootStart, ProcessStatus.Read(pid).RealUid);
                string marker = privileged ? "/made-privileged" : "/made-unprivileged-again";
                await ExecAsync("it-flip", "/bin/busybox", "touch", marker);
                foreach (string file in new[] { "/made-unprivileged", marker })
                {
                    Assert.Equal("0 0", await ExecAsync("it-flip", "/bin/busybox", "stat", "-c", "%u %g", file));
                    Assert.StartsWith("0 0 ", await OwnerAsync(rootfs + file));
                }
                await Instances.ChangeStateAsync("it-flip", "stop");
            }
        }
        finally
        {
            await Instances.DeleteAsync("it-flip");
        }
    }

    [Fact]
    public async Task RunningOutOfIdsIsRefusedWithTheNumbersAndChangesNothing()
    {
        await Instances.PrepareAsync();
        try
        {
            await Instances.CreateOrFailAsync("it-exhaust", start: false);
            var before = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-exhaust");
            long total = SubordinateIds.ForRoot().Size;

            var refused = await Instances.SetConfigAsync("it-exhaust", new Dictionary<string, string>
            {
                ["user.alongside"] = "1",
                ["security.idmap.isolated"] = "true",
                ["security.idmap.size"] = total.ToString(CultureInfo.InvariantCulture),
            });
            Assert.Equal(400, refused.Status);
            Assert.Contains($"needs {total}", refused.Error);
            Assert.Matches("largest free range has [0-9]+", refused.Error);

            var put = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0/instances/it-exhaust",
                JsonSerializer.Serialize(new { config = new Dictionary<string, string> { ["security.idmap.isolated"] = "true", ["security.idmap.size"] = "4294967295" }, profiles = new[] { "default" } }),
                new Dictionary<string, string> { ["If-Match"] = before.Message.Headers.ETag!.Tag });
            Assert.Equal(400, put.Status);
            Assert.Contains("needs 4294967295", put.Error);

            var after = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/it-exhaust");
            Assert.Equal(before.Metadata.GetRawText(), after.Metadata.GetRawText());
            Assert.Equal(before.Message.Headers.ETag, after.Message.Headers.ETag);
        }
        finally
        {
            await Instances.DeleteAsync("it-exhaust");
        }
    }

    [Fact]
    public async Task OnARunningInstanceTheNewMapWaitsForTheNextStartAndIsHeldMeanwhile()
    {
        await Instances.PrepareAsync();
        try
        {
            await Instances.CreateOrFailAsync("it-live", start: true);
            int pid = await PidAsync("it-live");
            var running = Map(await Instances.GetAsync("it-live"), "volatile.idmap.current");
            Assert.Equal(UidMapLine(running), UidMapOf(pid));

            Assert.Equal(200, (await Instances.SetConfigAsync("it-live", new Dictionary<string, string> { ["security.idmap.isolated"] = "true" })).Status);
            var changed = await Instances.GetAsync("it-live");
            Assert.Equal("Running", changed.GetProperty("status").GetString());
            Assert.Equal(running, Map(changed, "volatile.idmap.current"));
            var next = Map(changed, "volatile.idmap.next")!.Value;
            Assert.NotEqual(running, next);
            Assert.Equal(pid, await PidAsync("it-live"));
            Assert.Equal(UidMapLine(running), UidMapOf(pid));

            // Another isolated instance created meanwhile keeps clear of the map waiting for the next start.
            await Instances.CreateOrFailAsync("it-live-other", start: false, new Dictionary<string, string> { ["security.idmap.isolated"] = "true" });
            var other = Map(await Instances.GetAsync("it-live-other"), "volatile.idmap.next")!.Value;
            Assert.False(other.Start < next.Start + next.Size && next.Start < other.Start + other.Size, $"{other} overlaps {next}");

            await Instances.ChangeStateAsync("it-live", "restart");
            Assert.NotEqual(pid, await PidAsync("it-live"));
            Assert.Equal(UidMapLine(next), UidMapOf(await PidAsync("it-live")));
            Assert.Equal(next, Map(await Instances.GetAsync("it-live"), "volatile.idmap.current"));
            Assert.Equal($"{next.Start} {next.Start} 100", await OwnerAsync(InstanceDirectory("it-live")));
        }
        finally
        {
            await Instances.DeleteAsync("it-live-other");
            await Instances.DeleteAsync("it-live");
        }
    }
}
