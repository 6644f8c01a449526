using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>Who may use the local socket: root and incus-admin members, checked by the kernel's view of the peer.</summary>
[Collection(DaemonCollection.Name)]
public sealed class AccessTests(DaemonFixture fixture)
{
    private RunningDaemon Daemon => fixture.Daemon;

    private Task<Command.Result> CurlAs(string user, string path = "/1.0") =>
        Command.RunAsUserAsync(user, "/usr/bin/curl", ["-sS", "-w", "\n%{http_code}", "--unix-socket", Daemon.SocketPath, $"http://unix.socket{path}"]);

    [Fact]
    public async Task RootGetsTheServerInfo()
    {
        var answer = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0");
        Assert.Equal(200, answer.Status);
        Assert.Equal("trusted", answer.Metadata.GetProperty("auth").GetString());
        Assert.Equal("root", answer.Metadata.GetProperty("auth_user_name").GetString());
        Assert.Equal("unix", answer.Metadata.GetProperty("auth_user_method").GetString());
    }

    [Fact]
    public async Task SocketIsRootOwnedGroupAdminMode0660()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
            File.GetUnixFileMode(Daemon.SocketPath));
        var owner = (await Command.RunAsync("/usr/bin/stat", "-c", "%U:%G", Daemon.SocketPath)).EnsureSuccess("stat");
        Assert.Equal("root:incus-admin", owner.Output.Trim());
    }

    [Fact]
    public async Task AMemberOfIncusAdminGets200()
    {
        var result = await CurlAs(TestUsers.Member);
        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Output.Split('\n');
        Assert.Equal("200", lines[^1]);
        using var body = JsonDocument.Parse(lines[0]);
        Assert.Equal(TestUsers.Member, body.RootElement.GetProperty("metadata").GetProperty("auth_user_name").GetString());
    }

    [Fact]
    public async Task AnOutsiderIsStoppedByTheFileMode()
    {
        var result = await Command.RunAsUserAsync(TestUsers.Outsider, "/usr/bin/python3",
            ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])", Daemon.SocketPath]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("PermissionError", result.Error);
    }

    [Fact]
    public async Task AnOutsiderGets403EvenWhenTheSocketIsLoosened()
    {
        var original = File.GetUnixFileMode(Daemon.SocketPath);
        File.SetUnixFileMode(Daemon.SocketPath, original | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        try
        {
            var result = await CurlAs(TestUsers.Outsider);
            Assert.Equal(0, result.ExitCode);
            string[] lines = result.Output.Split('\n');
            Assert.Equal("403", lines[^1]);
            using var body = JsonDocument.Parse(lines[0]);
            Assert.Equal("error", body.RootElement.GetProperty("type").GetString());
            Assert.Equal(403, body.RootElement.GetProperty("error_code").GetInt32());
            Assert.Contains("add your user to the incus-admin group", body.RootElement.GetProperty("error").GetString());

            var cli = await Command.RunAsUserAsync(TestUsers.Outsider, Stage.Cli, ["info"],
                new Dictionary<string, string> { ["INCUS_DIR"] = Daemon.Directory });
            Assert.Equal(1, cli.ExitCode);
            Assert.Contains("incus-admin", cli.Error);
        }
        finally
        {
            File.SetUnixFileMode(Daemon.SocketPath, original);
        }
    }

    [Fact]
    public async Task TheCliTellsPermissionDeniedApartFromNotRunning()
    {
        var denied = await Command.RunAsUserAsync(TestUsers.Outsider, Stage.Cli, ["info"],
            new Dictionary<string, string> { ["INCUS_DIR"] = Daemon.Directory });
        Assert.Equal(1, denied.ExitCode);
        Assert.Contains("permission denied", denied.Error);

        string empty = Directory.CreateTempSubdirectory("incus-it-none-").FullName;
        try
        {
            var absent = await Command.RunAsync(Stage.Cli, ["info"], new Dictionary<string, string> { ["INCUS_DIR"] = empty });
            Assert.Equal(1, absent.ExitCode);
            Assert.Contains("doesn't appear to be running", absent.Error);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }
}
