using Incus.Daemon.Helpers;
using Incus.Platform;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Tests.Integration;

/// <summary>Real LXC containers started by the runtime helper from a rootfs the instance helper made.</summary>
public sealed class ContainerRuntimeTests
{
    private static readonly ILogger Log = new LoggerConfiguration().CreateLogger();

    private sealed class Rig : IAsyncDisposable
    {
        public required StandaloneHelper Storage { get; init; }
        public required StandaloneHelper Runtime { get; init; }
        public required StorageHelperClient StorageClient { get; init; }
        public required HelperConnection<IStorageHelper> StorageConnection { get; init; }
        public required HelperConnection<IContainerHelper> RuntimeConnection { get; init; }
        public string LxcPath => Path.Combine(Runtime.Directory, "containers");

        public Task<Command.Result> AttachAsync(string instance, params string[] command) =>
            Command.RunAsync("/bin/ip", ["netns", "exec", Runtime.Namespace, "/usr/bin/lxc-attach", "-n", instance, "-P", LxcPath, "--", .. command]);

        public async ValueTask DisposeAsync()
        {
            // A failed test must not leave a container running: stop whatever this rig started.
            if (Directory.Exists(LxcPath))
            {
                foreach (string container in Directory.GetDirectories(LxcPath))
                {
                    await Command.RunAsync("/bin/ip", ["netns", "exec", Runtime.Namespace, "/usr/bin/lxc-stop", "-n", Path.GetFileName(container), "-P", LxcPath, "-k"]);
                }
            }
            await RuntimeConnection.DisposeAsync();
            await StorageConnection.DisposeAsync();
            await Runtime.DisposeAsync();
            await Storage.DisposeAsync();
        }
    }

    private static async Task<Rig> StartAsync()
    {
        var storage = await StandaloneHelper.StartAsync("instance");
        var runtime = await StandaloneHelper.StartAsync("lxc", storage.Directory);
        var storageConnection = new HelperConnection<IStorageHelper>("instance", storage.SocketPath, Log);
        var rig = new Rig
        {
            Storage = storage,
            Runtime = runtime,
            StorageConnection = storageConnection,
            StorageClient = new StorageHelperClient(storageConnection),
            RuntimeConnection = new HelperConnection<IContainerHelper>("lxc", runtime.SocketPath, Log),
        };
        await rig.StorageClient.CreateDirPoolAsync(new PoolName { Name = "pool" });
        string images = Directory.CreateDirectory(Path.Combine(storage.Directory, "images")).FullName;
        File.Copy(await BusyboxImage.PathAsync(), Path.Combine(images, await BusyboxImage.FingerprintAsync()));
        return rig;
    }

    private static async Task CreateAsync(Rig rig, string instance, uint root) =>
        await rig.StorageClient.CreateInstanceRootfsAsync(new InstanceRootfsSpec
        {
            Pool = "pool", Instance = instance, Fingerprint = await BusyboxImage.FingerprintAsync(), RootUid = root, RootGid = root,
        });

    [Fact]
    public async Task AnUnprivilegedContainerRunsAtTheStartOfRootsRangeAndHidesHostNames()
    {
        await using var rig = await StartAsync();
        uint start = (uint)SubordinateIds.ForRoot().Start;
        await CreateAsync(rig, "c1", start);

        var state = await rig.RuntimeConnection.CallAsync("StartContainer", (lxc, token) => lxc.StartContainerAsync(new ContainerSpec
        {
            Instance = "c1", Pool = "pool", Privileged = false, IdmapStart = start, IdmapSize = 65536,
        }, token));
        try
        {
            Assert.True(state.Running);
            var init = ProcessStatus.Read(state.Pid);
            Assert.Equal(start, init.RealUid);
            Assert.Equal($"0 {start} 65536", string.Join(' ', File.ReadAllText($"/proc/{state.Pid}/uid_map").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));

            var id = await rig.AttachAsync("c1", "/bin/busybox", "id", "-u");
            Assert.Equal("0", id.EnsureSuccess("lxc-attach id").Output.Trim());
            var slab = await rig.AttachAsync("c1", "/bin/busybox", "ls", "/sys/kernel/slab");
            Assert.Equal("", slab.EnsureSuccess("ls slab").Output.Trim());
            var schedDebug = await rig.AttachAsync("c1", "/bin/busybox", "cat", "/proc/sched_debug");
            Assert.Equal("", schedDebug.Output.Trim());
        }
        finally
        {
            var stopped = await rig.RuntimeConnection.CallAsync("StopContainer", (lxc, token) => lxc.StopContainerAsync(new ContainerStop { Instance = "c1", Force = true }, token));
            Assert.False(stopped.Running);
        }
        Assert.False(Directory.Exists($"/proc/{state.Pid}"));
        await rig.RuntimeConnection.CallAsync("ForgetContainer", (lxc, token) => lxc.ForgetContainerAsync(new ContainerName { Instance = "c1" }, token));
        Assert.False(Directory.Exists(Path.Combine(rig.LxcPath, "c1")));
        await rig.StorageClient.DeleteInstanceVolumeAsync(new InstanceVolume { Pool = "pool", Instance = "c1" });
    }

    [Fact]
    public async Task APrivilegedContainerSharesTheHostsIds()
    {
        await using var rig = await StartAsync();
        await CreateAsync(rig, "p1", 0);
        var state = await rig.RuntimeConnection.CallAsync("StartContainer", (lxc, token) => lxc.StartContainerAsync(new ContainerSpec
        {
            Instance = "p1", Pool = "pool", Privileged = true, IdmapStart = 0, IdmapSize = 0,
        }, token));
        try
        {
            Assert.Equal("0 0 4294967295", string.Join(' ', File.ReadAllText($"/proc/{state.Pid}/uid_map").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
            Assert.Equal(0u, ProcessStatus.Read(state.Pid).RealUid);
        }
        finally
        {
            await rig.RuntimeConnection.CallAsync("StopContainer", (lxc, token) => lxc.StopContainerAsync(new ContainerStop { Instance = "p1", Force = true }, token));
        }
        await rig.RuntimeConnection.CallAsync("ForgetContainer", (lxc, token) => lxc.ForgetContainerAsync(new ContainerName { Instance = "p1" }, token));
    }

    [Theory]
    [InlineData("../c1", 1000000u, 65536u, false)]
    [InlineData("c1", 1000u, 65536u, false)]
    [InlineData("c1", 0u, 0u, false)]
    [InlineData("c1", 4294900000u, 65536u, false)]
    public async Task BadSpecsAreRefusedBeforeLxcRuns(string instance, uint start, uint size, bool privileged)
    {
        await using var rig = await StartAsync();
        var refused = await Assert.ThrowsAsync<HelperFailedException>(() => rig.RuntimeConnection.CallAsync("StartContainer",
            (lxc, token) => lxc.StartContainerAsync(new ContainerSpec { Instance = instance, Pool = "pool", Privileged = privileged, IdmapStart = start, IdmapSize = size }, token)));
        Assert.True(refused.Refused, refused.Message);
        Assert.False(File.Exists(Path.Combine(rig.LxcPath, "c1", "config")));
    }

    [Theory]
    [InlineData("c1", "/bin/true", "PATH", "not running")]
    [InlineData("c1", "", "PATH", "command")]
    [InlineData("c1", "/bin/true", "BAD=KEY", "environment")]
    [InlineData("c1", "/bin/true", "1X", "environment")]
    [InlineData("../c1", "/bin/true", "PATH", "instance")]
    public async Task BadExecRequestsAreRefused(string instance, string command, string variable, string message)
    {
        await using var rig = await StartAsync();
        var refused = await Assert.ThrowsAsync<HelperFailedException>(() => rig.RuntimeConnection.CallAsync("StartExec", (lxc, token) => lxc.StartExecAsync(new ExecSpec
        {
            Instance = instance,
            Command = command.Length == 0 ? [] : [command],
            Environment = new Dictionary<string, string> { [variable] = "x" },
        }, token)));
        Assert.True(refused.Refused, refused.Message);
        Assert.Contains(message, refused.Message);
        Assert.Empty(Directory.GetFiles(rig.Runtime.Directory, "exec-*"));
    }

    [Fact]
    public async Task TheExecRelayRefusesBadControlFramesAndKillsTheCommandWhenTheFramesBreak()
    {
        await using var rig = await StartAsync();
        uint start = (uint)SubordinateIds.ForRoot().Start;
        await CreateAsync(rig, "t1", start);
        string run = Directory.CreateDirectory(Path.Combine(rig.Runtime.Directory, "run")).FullName;
        await rig.RuntimeConnection.CallAsync("StartContainer", (lxc, token) => lxc.StartContainerAsync(new ContainerSpec
        {
            Instance = "t1", Pool = "pool", Privileged = false, IdmapStart = start, IdmapSize = 65536,
        }, token));
        Task<ExecSession> StartExecAsync(ExecSpec spec) => rig.RuntimeConnection.CallAsync("StartExec", (lxc, token) => lxc.StartExecAsync(spec, token));
        try
        {
            var tooWide = await Assert.ThrowsAsync<HelperFailedException>(() => StartExecAsync(new ExecSpec
            {
                Instance = "t1", Command = ["/bin/true"], Environment = new Dictionary<string, string>(), Interactive = true, Width = 20000, Height = 24,
            }));
            Assert.True(tooWide.Refused, tooWide.Message);
            Assert.Contains("width", tooWide.Message);

            var session = await StartExecAsync(new ExecSpec
            {
                Instance = "t1", Command = ["/bin/sh", "-c", "stty size; exec /bin/sleep 617"], Environment = new Dictionary<string, string>(),
                Interactive = true, Width = 80, Height = 24,
            });
            using (var relay = await ExecRelayClient.ConnectAsync(Path.Combine(run, session.SocketName)))
            {
                await relay.WaitForOutputAsync("24 80");
                await relay.SendWindowSizeAsync(0, 0);
                await relay.SendWindowSizeAsync(10001, 24);
                foreach (int signal in new[] { 0, 33, 64, -9, int.MaxValue })
                {
                    await relay.SendSignalAsync(signal);
                }
                foreach (int signal in new[] { 0, 33, 64, -9, int.MaxValue })
                {
                    await WaitForAuditAsync(rig.Runtime.AuditLog, $"\"signal\":{signal}}}", "refused");
                }
                Assert.DoesNotContain(File.ReadLines(rig.Runtime.AuditLog),
                    l => l.Contains("\"operation\":\"ExecSignal\"", StringComparison.Ordinal) && !l.Contains("\"outcome\":\"refused\"", StringComparison.Ordinal));
                Assert.False(relay.Exit.IsCompleted, "a refused control frame ended the session");

                // A signal frame of the wrong length breaks the format: the helper kills the command.
                await relay.SendAsync(6, [0, 15], declaredLength: 2);
                Assert.Equal(137, await relay.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
            }
            Assert.False(rig.Runtime.Process.HasExited);
            Assert.Equal(1, (await Command.RunAsync("/usr/bin/pgrep", "-f", "^/bin/sleep 617$")).ExitCode);

            var next = await StartExecAsync(new ExecSpec
            {
                Instance = "t1", Command = ["/bin/busybox", "echo", "still-here"], Environment = new Dictionary<string, string>(),
            });
            using var again = await ExecRelayClient.ConnectAsync(Path.Combine(run, next.SocketName));
            Assert.Equal(0, await again.Exit.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal("still-here\n", again.Output);
        }
        finally
        {
            await rig.RuntimeConnection.CallAsync("StopContainer", (lxc, token) => lxc.StopContainerAsync(new ContainerStop { Instance = "t1", Force = true }, token));
        }
        Assert.Empty(Directory.GetFiles(run, "exec-*"));
    }

    private static async Task WaitForAuditAsync(string auditLog, string arguments, string outcome)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.ReadLines(auditLog).Any(l => l.Contains(arguments, StringComparison.Ordinal) && l.Contains($"\"outcome\":\"{outcome}\"", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {outcome} audit record with {arguments}");
            await Task.Delay(50);
        }
    }
}
