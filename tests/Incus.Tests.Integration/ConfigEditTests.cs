using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Incus.Tests.Integration;

/// <summary><c>incus config edit</c> and <c>incus profile edit</c> through the real CLI binary, from standard input and in an editor on a terminal.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ConfigEditTests(DaemonFixture fixture)
{
    private RunningDaemon Daemon => fixture.Daemon;
    private DaemonInstances Instances => new(Daemon, "it-edit-image");

    private Task<Command.Result> IncusAsync(string? input, params string[] arguments) =>
        Command.RunAsync(Stage.Cli, arguments, Instances.CliEnvironment, input, TimeSpan.FromSeconds(120));

    /// <summary>The instance as GET shows it, with its ETag: what must not move when an edit is refused.</summary>
    private async Task<(string Metadata, string? ETag)> SnapshotAsync(string path)
    {
        var answer = await UnixHttp.GetAsync(Daemon.SocketPath, path);
        return (answer.Metadata.GetRawText(), answer.Message.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task EditFromStandardInputAppliesTheWritableFieldsAndIgnoresTheRest()
    {
        await Instances.PrepareAsync();
        try
        {
            await Instances.CreateOrFailAsync("it-edit", start: false);
            var before = await Instances.GetAsync("it-edit");
            string shown = (await IncusAsync(null, "config", "show", "it-edit")).EnsureSuccess("config show").Output;
            string edited = Regex.Replace(shown, "^description:.*$", "description: edited from stdin", RegexOptions.Multiline)
                .Replace("config:\n", "config:\n  user.edited: \"yes\"\n", StringComparison.Ordinal)
                + "name: renamed\nstatus: Running\nexpanded_config:\n  user.bogus: x\n";
            Assert.Contains("user.edited", edited);

            var result = await IncusAsync(edited, "config", "edit", "it-edit");
            Assert.True(result.ExitCode == 0, result.Error);

            Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances/renamed")).Status);
            var after = await Instances.GetAsync("it-edit");
            Assert.Equal("edited from stdin", after.GetProperty("description").GetString());
            Assert.Equal("yes", after.GetProperty("config").GetProperty("user.edited").GetString());
            Assert.False(after.GetProperty("expanded_config").TryGetProperty("user.bogus", out _));
            Assert.Equal("Stopped", after.GetProperty("status").GetString());
            foreach (var key in before.GetProperty("config").EnumerateObject().Where(k => k.Name.StartsWith("volatile.", StringComparison.Ordinal)))
            {
                Assert.Equal(key.Value.GetString(), after.GetProperty("config").GetProperty(key.Name).GetString());
            }

            // The server's config goes the same way, and back.
            string server = (await IncusAsync(null, "config", "show")).EnsureSuccess("config show").Output;
            string withKey = server.Contains("config: {}", StringComparison.Ordinal)
                ? "config:\n  user.edit-test: \"1\"\n"
                : server.Replace("config:\n", "config:\n  user.edit-test: \"1\"\n", StringComparison.Ordinal);
            (await IncusAsync(withKey, "config", "edit")).EnsureSuccess("config edit (server)");
            Assert.Equal("1", (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0")).Metadata.GetProperty("config").GetProperty("user.edit-test").GetString());
            (await IncusAsync(server, "config", "edit")).EnsureSuccess("config edit (server, back)");
            Assert.False((await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0")).Metadata.GetProperty("config").TryGetProperty("user.edit-test", out _));
        }
        finally
        {
            await Instances.DeleteAsync("it-edit");
        }
    }

    [Theory]
    [InlineData("config: {a: [\n", "invalid YAML")]
    [InlineData("- a list\n- not a mapping\n", "must be a mapping of fields")]
    [InlineData("config: [1, 2]\nprofiles: [default]\n", "\"config\" must be a mapping")]
    [InlineData("ephemeral: maybe\nprofiles: [default]\n", "\"ephemeral\" must be true or false")]
    [InlineData("config:\n  limits.cpu: \"2\"\nprofiles: [default]\n", "limits.cpu")]
    [InlineData("architecture: s390x\nprofiles: [default]\n", "architecture of an existing instance cannot be changed")]
    public async Task ARefusedEditSaysWhyAndChangesNothing(string yaml, string expected)
    {
        await Instances.PrepareAsync();
        try
        {
            await Instances.CreateOrFailAsync("it-edit-bad", start: false);
            var before = await SnapshotAsync("/1.0/instances/it-edit-bad");

            var result = await IncusAsync(yaml, "config", "edit", "it-edit-bad");
            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith("Error: ", result.Error);
            Assert.Contains(expected, result.Error);
            Assert.Equal(before, await SnapshotAsync("/1.0/instances/it-edit-bad"));
        }
        finally
        {
            await Instances.DeleteAsync("it-edit-bad");
        }
    }

    [Fact]
    public async Task AChangeMadeWhileTheYamlIsWrittenMakesTheEditFailWith412()
    {
        await Instances.PrepareAsync();
        try
        {
            await Instances.CreateOrFailAsync("it-edit-race", start: false);
            var start = new ProcessStartInfo(Stage.Cli)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { "config", "edit", "it-edit-race" })
            {
                start.ArgumentList.Add(argument);
            }
            start.Environment["INCUS_DIR"] = Daemon.Directory;
            using var cli = Process.Start(start)!;
            var output = cli.StandardOutput.ReadToEndAsync();
            var error = cli.StandardError.ReadToEndAsync();
            await WaitUntilReadingStandardInputAsync(cli);

            // Someone else changes the instance after the CLI took its ETag and before it sends the edit.
            Assert.Equal(200, (await Instances.SetConfigAsync("it-edit-race", new Dictionary<string, string> { ["user.concurrent"] = "1" })).Status);
            await cli.StandardInput.WriteAsync("config:\n  user.mine: \"1\"\nprofiles:\n- default\n");
            cli.StandardInput.Close();
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                await cli.WaitForExitAsync(timeout.Token);
            }

            Assert.Equal(1, cli.ExitCode);
            Assert.Contains("ETag doesn't match", await error);
            Assert.Equal("", (await output).Trim());
            var config = (await Instances.GetAsync("it-edit-race")).GetProperty("config");
            Assert.Equal("1", config.GetProperty("user.concurrent").GetString());
            Assert.False(config.TryGetProperty("user.mine", out _));

            // The daemon checks If-Match on the asynchronous PUT itself, before an operation exists.
            var stale = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0/instances/it-edit-race", "{\"profiles\":[\"default\"]}",
                new Dictionary<string, string> { ["If-Match"] = "\"0000\"" });
            Assert.Equal(412, stale.Status);
            Assert.Equal("error", stale.Body.GetProperty("type").GetString());
        }
        finally
        {
            await Instances.DeleteAsync("it-edit-race");
        }
    }

    [Fact]
    public async Task OnATerminalTheEditorOpensAndReopensAfterAnError()
    {
        await Instances.PrepareAsync();
        string scratch = Directory.CreateTempSubdirectory("incus-it-editor-").FullName;
        try
        {
            await Instances.CreateOrFailAsync("it-editor", start: false);
            // The editor writes broken YAML the first time and a good edit the second; the CLI must show the
            // error, wait for enter, and re-open the editor on what was written. The first time it also sends
            // SIGINT to its process group, as ctrl+c on the terminal would: that is the editor's, not the CLI's.
            string editor = Path.Combine(scratch, "editor.sh");
            await File.WriteAllTextAsync(editor, $$"""
                #!/bin/sh
                set -e
                runs={{scratch}}/runs
                echo run >> "$runs"
                if [ "$(wc -l < "$runs")" -eq 1 ]; then
                  grep -q '^### The configuration of instance it-editor' "$1"
                  trap '' INT
                  kill -INT 0
                  sleep 0.5
                  printf 'config: [\n' > "$1"
                else
                  grep -q '^config: \[' "$1"
                  printf 'config:\n  user.via-editor: "yes"\nprofiles:\n- default\n' > "$1"
                fi
                """);
            File.SetUnixFileMode(editor, (UnixFileMode)0b111_101_101);
            string temporary = Directory.CreateDirectory(Path.Combine(scratch, "tmp")).FullName;
            var environment = new Dictionary<string, string>(Instances.CliEnvironment) { ["EDITOR"] = editor, ["VISUAL"] = "", ["TMPDIR"] = temporary };

            // script(1) gives the CLI a terminal; the newline answers the retry prompt once it is shown.
            var result = await Command.RunAnsweringAsync(Command.Script, Command.OnATerminal($"{Stage.Cli} config edit it-editor"), environment,
                [("Press enter to open the editor again or ctrl+c to abort", "\n")], TimeSpan.FromSeconds(120));

            Assert.True(result.ExitCode == 0, result.Output + result.Error);
            Assert.Contains("Error: invalid YAML", result.Output);
            Assert.Contains("Press enter to open the editor again or ctrl+c to abort", result.Output);
            Assert.Equal(2, File.ReadAllLines(Path.Combine(scratch, "runs")).Length);
            Assert.Equal("yes", (await Instances.GetAsync("it-editor")).GetProperty("config").GetProperty("user.via-editor").GetString());
            Assert.Empty(Directory.GetFiles(temporary, "incus-edit-*"));
        }
        finally
        {
            await Instances.DeleteAsync("it-editor");
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public async Task ProfileEditSharesTheFlowAndItsEtag()
    {
        await Instances.PrepareAsync();
        try
        {
            (await IncusAsync(null, "profile", "create", "it-edit-prof")).EnsureSuccess("profile create");
            string shown = (await IncusAsync(null, "profile", "show", "it-edit-prof")).EnsureSuccess("profile show").Output;
            string edited = shown.Replace("config: {}", "config:\n  user.owner: qa", StringComparison.Ordinal)
                .Replace("used_by: []", "used_by:\n- /1.0/instances/nothing", StringComparison.Ordinal)
                .Replace("name: it-edit-prof", "name: renamed", StringComparison.Ordinal);
            Assert.Contains("/1.0/instances/nothing", edited);
            (await IncusAsync(edited, "profile", "edit", "it-edit-prof")).EnsureSuccess("profile edit");
            var profile = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/it-edit-prof")).Metadata;
            Assert.Equal("qa", profile.GetProperty("config").GetProperty("user.owner").GetString());
            Assert.Empty(profile.GetProperty("used_by").EnumerateArray());
            Assert.Equal("it-edit-prof", profile.GetProperty("name").GetString());

            var before = await SnapshotAsync("/1.0/profiles/it-edit-prof");
            var refused = await IncusAsync("devices: [root]\n", "profile", "edit", "it-edit-prof");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("\"devices\" must be a mapping", refused.Error);
            Assert.Equal(before, await SnapshotAsync("/1.0/profiles/it-edit-prof"));
            var stale = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0/profiles/it-edit-prof", "{}",
                new Dictionary<string, string> { ["If-Match"] = "\"0000\"" });
            Assert.Equal(412, stale.Status);
        }
        finally
        {
            await IncusAsync(null, "profile", "delete", "it-edit-prof");
        }
    }

    /// <summary>
    /// Waits until a thread of <paramref name="process"/> is blocked reading its standard input (.NET reads
    /// a duplicate of descriptor 0, so the descriptor is compared by what it opens). The edit command reads
    /// its YAML only after the GET that gave it the ETag, so from then on a change is a concurrent one.
    /// </summary>
    private static async Task WaitUntilReadingStandardInputAsync(Process process)
    {
        string readSyscall = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "63" : "0";
        string descriptors = $"/proc/{process.Id}/fd";
        string input = new FileInfo(Path.Combine(descriptors, "0")).LinkTarget!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "the CLI ended before reading its input");
            foreach (string task in Directory.GetDirectories($"/proc/{process.Id}/task"))
            {
                string? target;
                try
                {
                    string[] fields = (await File.ReadAllTextAsync(Path.Combine(task, "syscall"))).Split(' ');
                    if (fields.Length < 2 || fields[0] != readSyscall)
                    {
                        continue;
                    }
                    long descriptor = Convert.ToInt64(fields[1], 16);
                    target = new FileInfo(Path.Combine(descriptors, descriptor.ToString(System.Globalization.CultureInfo.InvariantCulture))).LinkTarget;
                }
                catch (IOException)
                {
                    // The thread ended, or the descriptor closed, while we looked; the others are still checked.
                    continue;
                }
                if (target == input)
                {
                    return;
                }
            }
            await Task.Delay(20);
        }
        throw new TimeoutException("the CLI never started reading its standard input");
    }
}
