namespace Incus.Tests.Integration;

/// <summary>The run contract: several daemons at once, clean stop on SIGTERM, restarts that lose nothing.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task TwoDaemonsRunSideBySideInTheirOwnNamespaces()
    {
        await using var first = await RunningDaemon.StartAsync();
        await using var second = await RunningDaemon.StartAsync();
        Assert.NotEqual(first.Namespace, second.Namespace);
        await UnixHttp.SendAsync(first.SocketPath, HttpMethod.Patch, "/1.0", "{\"config\":{\"user.which\":\"first\"}}");
        await UnixHttp.SendAsync(second.SocketPath, HttpMethod.Patch, "/1.0", "{\"config\":{\"user.which\":\"second\"}}");
        Assert.Equal("first", (await UnixHttp.GetAsync(first.SocketPath, "/1.0")).Metadata.GetProperty("config").GetProperty("user.which").GetString());
        Assert.Equal("second", (await UnixHttp.GetAsync(second.SocketPath, "/1.0")).Metadata.GetProperty("config").GetProperty("user.which").GetString());
    }

    [Fact]
    public async Task SigtermStopsEveryChildAndRemovesTheSockets()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        int[] children = [daemon.CorePid, daemon.HelperPid("host"), daemon.HelperPid("net"), daemon.HelperPid("instance"), daemon.HelperPid("lxc")];
        Assert.Equal(0, await daemon.StopAsync(TimeSpan.FromSeconds(30)));
        foreach (int pid in children)
        {
            Assert.False(Directory.Exists($"/proc/{pid}"), $"child {pid} outlived the supervisor");
        }
        Assert.False(File.Exists(daemon.SocketPath));
        Assert.Empty(Directory.GetFiles(Path.Combine(daemon.Directory, "run")));
        Assert.True(File.Exists(Path.Combine(daemon.Directory, "logs", "incusd.log")));
    }

    [Fact]
    public async Task AFreshDirectoryStartsBare()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var info = await UnixHttp.GetAsync(daemon.SocketPath, "/1.0");
        Assert.Empty(info.Metadata.GetProperty("config").EnumerateObject());
        Assert.True(File.Exists(Path.Combine(daemon.Directory, "database", "local.db")));
    }

    [Fact]
    public async Task ACrashedCoreIsRestartedAndKeepsAcknowledgedWrites()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var written = await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Patch, "/1.0", "{\"config\":{\"user.durable\":\"yes\"}}");
        Assert.Equal(200, written.Status);

        int core = daemon.CorePid;
        Incus.Platform.ProcessSignals.Send(core, Incus.Platform.ProcessSignals.SigKill);
        await daemon.WaitForRestartAsync("incus-core", core, TimeSpan.FromSeconds(30));
        await daemon.WaitForApiAsync(TimeSpan.FromSeconds(30));

        var info = await UnixHttp.GetAsync(daemon.SocketPath, "/1.0");
        Assert.Equal("yes", info.Metadata.GetProperty("config").GetProperty("user.durable").GetString());
        // The restarted core is the one the helpers now accept.
        var hardening = await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Post, "/internal/hardening");
        Assert.Equal(200, hardening.Status);
    }

    [Fact]
    public async Task TheSocketGroupFollowsGroupOption()
    {
        await TestUsers.EnsureAsync();
        const string Group = "incus-it-operators";
        if (Incus.Platform.UnixAccounts.FindGroup(Group) is null)
        {
            (await Command.RunAsync("/usr/sbin/groupadd", "--system", Group)).EnsureSuccess("groupadd");
        }
        await using var daemon = await RunningDaemon.StartAsync("--group", Group);
        var owner = (await Command.RunAsync("/usr/bin/stat", "-c", "%U:%G", daemon.SocketPath)).EnsureSuccess("stat");
        Assert.Equal($"root:{Group}", owner.Output.Trim());

        // Membership of incus-admin means nothing to this daemon, even through a loosened socket.
        File.SetUnixFileMode(daemon.SocketPath, (UnixFileMode)0b110_110_110);
        var member = await Command.RunAsUserAsync(TestUsers.Member, "/usr/bin/curl",
            ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", daemon.SocketPath, "http://unix.socket/1.0"]);
        Assert.Equal("403", member.Output.Trim());
    }

    [Fact]
    public async Task ASecondDaemonOnTheSameDirectoryRefusesToStart()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var second = await Command.RunAsync("/bin/ip", ["netns", "exec", daemon.Namespace, Stage.Incusd, "--dir", daemon.Directory], timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("already running", second.Error + second.Output);
        Assert.Equal(200, (await UnixHttp.GetAsync(daemon.SocketPath, "/1.0")).Status);
    }
}
