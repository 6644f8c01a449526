using System.Text.Json;
using System.Text.RegularExpressions;

namespace Incus.Tests.Integration;

/// <summary>
/// Interactive exec (a pseudo-terminal) and exec control messages, through the websocket API, the
/// real lxc client and our CLI, on real LXC containers in the daemon's namespace.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed partial class ExecTerminalTests(DaemonFixture fixture)
{
    private const string Image = "it-exec-terminal";
    private RunningDaemon Daemon => fixture.Daemon;

    [Fact]
    public async Task AnInteractiveShellEchoesFollowsResizesAndReturnsItsStatus()
    {
        await using var container = await StartContainerAsync("it-pty-shell");
        await using var exec = await ExecClient.StartAsync(Daemon.SocketPath, container.Name, new Dictionary<string, object>
        {
            ["command"] = new[] { "/bin/sh" },
            ["environment"] = new Dictionary<string, string> { ["TERM"] = "xterm" },
            ["interactive"] = true,
            ["wait-for-websocket"] = true,
            ["width"] = 80,
            ["height"] = 24,
        });
        Assert.Equal(["0", "control"], exec.Fds.EnumerateObject().Select(p => p.Name).Order().ToArray());

        int at = await exec.WaitForOutputAsync("# ");
        await exec.SendInputAsync("echo $((6*7))x\r");
        at = await exec.WaitForOutputAsync("42x", at);
        await exec.SendInputAsync("stty size\r");
        at = await exec.WaitForOutputAsync("24 80", at);

        await exec.SendControlAsync("{\"command\":\"window-resize\",\"args\":{\"width\":\"132\",\"height\":\"50\"}}");
        at = await WaitForSizeAsync(exec, "50 132", at);
        await exec.SendInputAsync("tty\r");
        at = await exec.WaitForOutputAsync("/dev/pts/", at);
        await exec.SendInputAsync("exit 7\r");
        Assert.Equal(7, await exec.ReturnAsync());

        // The container's terminal ends lines with "\r\n"; nothing on the way may add a second "\r".
        Assert.DoesNotContain("\r\r\n", exec.Output);
        Assert.Contains("42x\r\n", exec.Output);
        await AssertSessionsCleanedUpAsync(container.Name);
    }

    [Fact]
    public async Task TtyIsAContainerPseudoTerminalOnlyInInteractiveMode()
    {
        await using var container = await StartContainerAsync("it-pty-tty");
        await using (var interactive = await StartAsync(container.Name, true, "/bin/busybox", "tty"))
        {
            Assert.Equal(0, await interactive.ReturnAsync());
            Assert.Matches(PtsLine(), interactive.Output);
        }
        await using (var piped = await StartAsync(container.Name, false, "/bin/busybox", "tty"))
        {
            Assert.Equal(1, await piped.ReturnAsync());
            Assert.Equal("not a tty", piped.Output.Trim());
        }
        await AssertSessionsCleanedUpAsync(container.Name);
    }

    [Fact]
    public async Task CommandsInheritOnlyTheirStdioAndGetTheirEnvironmentUserAndGroup()
    {
        await using var container = await StartContainerAsync("it-pty-env");
        foreach (bool interactive in new[] { true, false })
        {
            // ls opens the directory as descriptor 3 itself; anything else would have leaked from the daemon.
            await using (var fds = await StartAsync(container.Name, interactive, "/bin/busybox", "ls", "/proc/self/fd"))
            {
                Assert.Equal(0, await fds.ReturnAsync());
                Assert.Equal(["0", "1", "2", "3"], fds.Output.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Order().ToArray());
            }
            await using var who = await ExecClient.StartAsync(Daemon.SocketPath, container.Name, new Dictionary<string, object>
            {
                ["command"] = new[] { "/bin/sh", "-c", "echo $GREETING $(id -u):$(id -g)" },
                ["environment"] = new Dictionary<string, string> { ["GREETING"] = "hello" },
                ["interactive"] = interactive,
                ["wait-for-websocket"] = true,
                ["user"] = 1000,
                ["group"] = 1001,
            });
            Assert.Equal(0, await who.ReturnAsync());
            Assert.Equal("hello 1000:1001", who.Output.Trim());
        }
        var cwd = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, $"/1.0/instances/{container.Name}/exec",
            "{\"command\":[\"/bin/pwd\"],\"wait-for-websocket\":true,\"interactive\":true,\"cwd\":\"/tmp\"}");
        Assert.Equal(400, cwd.Status);
        Assert.Contains("cwd", cwd.Error);
        var huge = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, $"/1.0/instances/{container.Name}/exec",
            "{\"command\":[\"/bin/sh\"],\"wait-for-websocket\":true,\"interactive\":true,\"width\":100000,\"height\":24}");
        Assert.Equal(400, huge.Status);
        Assert.Contains("width", huge.Error);
    }

    [Fact]
    public async Task TheRealLxcClientAndOurCliRunInteractivelyUnderAPseudoTerminal()
    {
        await using var container = await StartContainerAsync("it-pty-clients");
        string config = Directory.CreateTempSubdirectory("incus-it-lxc-").FullName;
        var lxcEnvironment = new Dictionary<string, string> { ["LXD_SOCKET"] = Daemon.SocketPath, ["LXD_CONF"] = config };
        var cliEnvironment = new Dictionary<string, string> { ["INCUS_DIR"] = Daemon.Directory };
        try
        {
            // The first lxc command in a new LXD_CONF prints a welcome text, which script would mix into the output.
            (await Command.RunAsync("/usr/bin/lxc", ["query", "/1.0"], lxcEnvironment, timeout: TimeSpan.FromSeconds(60))).EnsureSuccess("lxc query");
            // script(1) gives the client a terminal for stdin and stdout and exits with the client's status.
            var lxc = await ScriptAsync($"/usr/bin/lxc exec {container.Name} -- sh -c 'tty; exit 5'", lxcEnvironment);
            Assert.True(lxc.ExitCode == 5, $"lxc exec under script: {lxc.ExitCode} {lxc.Output} {lxc.Error}");
            Assert.Matches(PtsInOutput(), lxc.Output);

            var shell = await ScriptAsync($"/usr/bin/lxc exec {container.Name} -- sh", lxcEnvironment, "echo hi $((6*7))\nexit 3\n");
            Assert.True(shell.ExitCode == 3, $"interactive lxc shell: {shell.ExitCode} {shell.Output} {shell.Error}");
            Assert.Contains("hi 42", shell.Output);

            var forced = await Command.RunAsync("/usr/bin/lxc", ["exec", "-t", container.Name, "--", "tty"], lxcEnvironment, timeout: TimeSpan.FromSeconds(60));
            Assert.Equal(0, forced.ExitCode);
            Assert.Matches(PtsLine(), forced.Output);
            var refused = await ScriptAsync($"/usr/bin/lxc exec -T {container.Name} -- tty", lxcEnvironment);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("not a tty", refused.Output);

            var ours = await ScriptAsync($"stty cols 90 rows 30; {Stage.Cli} exec {container.Name} -- sh -c 'tty; stty size; exit 6'", cliEnvironment);
            Assert.True(ours.ExitCode == 6, $"incus exec under script: {ours.ExitCode} {ours.Output} {ours.Error}");
            Assert.Matches(PtsInOutput(), ours.Output);
            Assert.Contains("30 90", ours.Output);
            var oursForced = await Command.RunAsync(Stage.Cli, ["exec", "-t", container.Name, "--", "tty"], cliEnvironment, timeout: TimeSpan.FromSeconds(60));
            Assert.Equal(0, oursForced.ExitCode);
            Assert.Matches(PtsLine(), oursForced.Output);
            var both = await Command.RunAsync(Stage.Cli, ["exec", "-t", "-T", container.Name, "--", "tty"], cliEnvironment);
            Assert.Equal(1, both.ExitCode);
            Assert.Contains("-t and -T", both.Error);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
        await AssertSessionsCleanedUpAsync(container.Name);
    }

    [Fact]
    public async Task BadControlMessagesAreSkippedAndValidSignalsReachTheCommand()
    {
        await using var container = await StartContainerAsync("it-pty-control");
        int corePid = Daemon.CorePid, helperPid = Daemon.HelperPid("lxc");
        await using (var exec = await ExecClient.StartAsync(Daemon.SocketPath, container.Name, new Dictionary<string, object>
        {
            ["command"] = new[] { "/bin/sh" },
            ["interactive"] = true,
            ["wait-for-websocket"] = true,
            ["width"] = 80,
            ["height"] = 24,
        }))
        {
            int at = await exec.WaitForOutputAsync("# ");
            string[] bad =
            [
                "not json", "{}", "[1,2]", "{\"command\":7}", "{\"command\":\"reboot\"}",
                "{\"command\":\"window-resize\"}",
                "{\"command\":\"window-resize\",\"args\":{\"width\":\"0\",\"height\":\"24\"}}",
                "{\"command\":\"window-resize\",\"args\":{\"width\":\"-1\",\"height\":\"24\"}}",
                "{\"command\":\"window-resize\",\"args\":{\"width\":\"80\",\"height\":\"99999\"}}",
                "{\"command\":\"window-resize\",\"args\":{\"width\":\"abc\",\"height\":\"24\"}}",
                "{\"command\":\"window-resize\",\"args\":{\"width\":1e12,\"height\":24}}",
                "{\"command\":\"signal\",\"signal\":0}", "{\"command\":\"signal\",\"signal\":33}",
                "{\"command\":\"signal\",\"signal\":64}", "{\"command\":\"signal\",\"signal\":-9}",
                "{\"command\":\"signal\",\"signal\":99999999999}", "{\"command\":\"signal\",\"signal\":\"9\"}",
                "{\"command\":\"signal\",\"signal\":9,\"padding\":\"" + new string('x', 10000) + "\"}",
            ];
            foreach (string message in bad)
            {
                await exec.SendControlAsync(message);
            }
            await exec.Socket("control").SendAsync(new byte[] { 0xff, 0x00, 0xfe }, System.Net.WebSockets.WebSocketMessageType.Binary, true, CancellationToken.None);

            await exec.SendInputAsync("echo alive$((1+1)); stty size\r");
            at = await exec.WaitForOutputAsync("alive2", at);
            await exec.WaitForOutputAsync("24 80", at);
            // An interactive shell ignores SIGTERM, so SIGKILL shows the signal reached it: 128 + 9.
            await exec.SendControlAsync("{\"command\":\"signal\",\"signal\":9}");
            Assert.Equal(137, await exec.ReturnAsync());
        }

        await using (var sleeper = await StartAsync(container.Name, false, "/bin/sleep", "607"))
        {
            await WaitForCommandAsync(container.Name, "/bin/sleep 607");
            await sleeper.SendControlAsync("{\"command\":\"signal\",\"signal\":15}");
            Assert.Equal(143, await sleeper.ReturnAsync());
        }

        // A client that vanishes without closing the control socket does not leave the command behind.
        await using (var abandoned = await StartAsync(container.Name, true, "/bin/sleep", "609"))
        {
            await WaitForCommandAsync(container.Name, "/bin/sleep 609");
            abandoned.Socket("control").Abort();
            Assert.Equal(137, await abandoned.ReturnAsync());
        }

        Assert.Equal(corePid, Daemon.CorePid);
        Assert.Equal(helperPid, Daemon.HelperPid("lxc"));
        Assert.Equal(200, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0")).Status);
        await AssertSessionsCleanedUpAsync(container.Name);
    }

    /// <summary>What tty prints on a container terminal, and nothing else.</summary>
    [GeneratedRegex(@"^/dev/pts/\d+\r\n$")]
    private static partial Regex PtsLine();

    /// <summary>
    /// The same line within the output of script(1), which also carries the client's own and, when its
    /// stdin ends before the client has made the terminal raw, the echo of what it sends for that end.
    /// </summary>
    [GeneratedRegex(@"/dev/pts/\d+\r\n")]
    private static partial Regex PtsInOutput();

    private Task<ExecClient> StartAsync(string instance, bool interactive, params string[] command) =>
        ExecClient.StartAsync(Daemon.SocketPath, instance, new Dictionary<string, object>
        {
            ["command"] = command,
            ["interactive"] = interactive,
            ["wait-for-websocket"] = true,
        });

    /// <summary>
    /// lxc-attach passes a size change on when SIGWINCH reaches it, which can come after the next
    /// input has been read, so the size is asked for until it shows (or the wait runs out).
    /// </summary>
    private static async Task<int> WaitForSizeAsync(ExecClient exec, string size, int from)
    {
        for (int attempt = 0; ; attempt++)
        {
            await exec.SendInputAsync("stty size\r");
            try
            {
                return await exec.WaitForOutputAsync(size, from, TimeSpan.FromSeconds(attempt < 9 ? 1 : 10));
            }
            catch (TimeoutException) when (attempt < 9)
            {
                // Not applied yet; ask again.
            }
        }
    }

    private static Task<Command.Result> ScriptAsync(string command, IDictionary<string, string> environment, string? input = null) =>
        Command.RunAsync("/usr/bin/script", ["-qec", command, "/dev/null"], environment, input, TimeSpan.FromSeconds(60));

    private async Task WaitForCommandAsync(string instance, string command)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await Command.RunAsync("/usr/bin/pgrep", "-f", $"^{command}$")).ExitCode != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"\"{command}\" did not start in {instance}");
            await Task.Delay(50);
        }
    }

    /// <summary>No lxc-attach of this container is left, and no exec socket waits in the run directory.</summary>
    private async Task AssertSessionsCleanedUpAsync(string instance)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var attach = await Command.RunAsync("/usr/bin/pgrep", "-f", $"lxc-attach -n {instance} ");
            bool sockets = Directory.GetFiles(Path.Combine(Daemon.Directory, "run"), "exec-*").Length > 0;
            if (attach.ExitCode != 0 && !sockets)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"exec sessions of {instance} left behind: lxc-attach {attach.Output.Trim()}, sockets {sockets}");
            await Task.Delay(100);
        }
    }

    private async Task<TestContainer> StartContainerAsync(string name)
    {
        (await Command.RunAsync(Stage.Cli, ["admin", "init", "--minimal"], new Dictionary<string, string> { ["INCUS_DIR"] = Daemon.Directory })).EnsureSuccess("admin init");
        if ((await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/aliases/{Image}")).Status == 404)
        {
            string fingerprint = await BusyboxImage.FingerprintAsync();
            if ((await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/{fingerprint}")).Status == 404)
            {
                (await Command.RunAsync(Stage.Cli, ["image", "import", await BusyboxImage.PathAsync()], new Dictionary<string, string> { ["INCUS_DIR"] = Daemon.Directory }))
                    .EnsureSuccess("image import");
            }
            Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/images/aliases",
                JsonSerializer.Serialize(new { name = Image, target = fingerprint }))).Status);
        }
        var container = new TestContainer(Daemon, name);
        try
        {
            var created = await container.WaitAsync(await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/instances",
                JsonSerializer.Serialize(new { name, source = new { type = "image", alias = Image }, start = true, profiles = new[] { "default" } })));
            Assert.True(created.GetProperty("status_code").GetInt32() == 200, $"creating {name}: {created}");
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
        return container;
    }
}
