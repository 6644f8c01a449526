namespace Incus.Tests.Integration;

/// <summary>The daemon's own helpers: only its core may call them, and a helper that dies mid-call is replaced.</summary>
[Collection(DaemonCollection.Name)]
public sealed class DaemonHelperBoundaryTests(DaemonFixture fixture)
{
    private RunningDaemon Daemon => fixture.Daemon;

    [Theory]
    [InlineData("host")]
    [InlineData("net")]
    [InlineData("instance")]
    [InlineData("lxc")]
    public async Task ARootProcessThatIsNotTheCoreIsRefused(string helper)
    {
        string socket = Path.Combine(Daemon.Directory, "run", $"helper-{helper}.socket");
        using var client = await HelperLineClient.ConnectAsync(socket);
        var answer = await client.ReadAsync();
        Assert.True(answer.HasValue);
        Assert.Contains("not authorized", answer!.Value.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task AProcessRunningAsTheCoreUserIsRefused()
    {
        string socket = Path.Combine(Daemon.Directory, "run", "helper-net.socket");
        string script = "import socket,sys\n" +
                        "s=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1])\n" +
                        "print(s.makefile().readline().strip())\n";
        var result = await Command.RunAsUserAsync("incus", "/usr/bin/python3", ["-c", script, socket]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("not the daemon core", result.Output);
    }

    [Fact]
    public async Task AHelperKilledDuringACallIsReportedRestartedAndWorksAgain()
    {
        int helper = Daemon.HelperPid("host");
        // Freeze the helper so the call is certainly in flight when it is killed.
        Incus.Platform.ProcessSignals.Send(helper, Incus.Platform.ProcessSignals.SigStop);
        var call = UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/internal/hardening");
        await Task.Delay(500);
        Assert.False(call.IsCompleted, "the call finished while the helper was stopped");
        Incus.Platform.ProcessSignals.Send(helper, Incus.Platform.ProcessSignals.SigKill);

        var failed = await call;
        Assert.Equal(503, failed.Status);
        Assert.Equal("error", failed.Body.GetProperty("type").GetString());
        Assert.Contains("host helper stopped", failed.Error);

        int replacement = await Daemon.WaitForRestartAsync("incus-helper-host", helper, TimeSpan.FromSeconds(30));
        Assert.NotEqual(helper, replacement);
        var again = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/internal/hardening");
        Assert.Equal(200, again.Status);
    }
}
