using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>Profiles through the API, our CLI and the real lxc client.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ProfileTests(DaemonFixture fixture)
{
    private RunningDaemon Daemon => fixture.Daemon;
    private Dictionary<string, string> CliEnvironment => new() { ["INCUS_DIR"] = Daemon.Directory };

    private async Task EnsurePoolAsync(string name)
    {
        if ((await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/storage-pools/{name}")).Status == 404)
        {
            Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/storage-pools", $"{{\"name\":\"{name}\",\"driver\":\"dir\"}}")).Status);
        }
    }

    [Fact]
    public async Task TheDefaultProfileAlwaysExists()
    {
        var profile = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default");
        Assert.Equal(200, profile.Status);
        Assert.Equal(403, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, "/1.0/profiles/default")).Status);
        Assert.Equal(403, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/profiles/default", "{\"name\":\"other\"}")).Status);
        var list = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles");
        Assert.Contains(list.Metadata.EnumerateArray(), p => p.GetString() == "/1.0/profiles/default");
    }

    [Fact]
    public async Task CreateUpdateRenameAndDelete()
    {
        await EnsurePoolAsync("profiles-pool");
        var created = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/profiles",
            "{\"name\":\"it-prof\",\"config\":{\"security.idmap.isolated\":\"true\"},\"devices\":{\"root\":{\"type\":\"disk\",\"path\":\"/\",\"pool\":\"profiles-pool\"}}}");
        Assert.Equal(200, created.Status);
        Assert.Equal(409, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/profiles", "{\"name\":\"it-prof\"}")).Status);

        var patched = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0/profiles/it-prof", "{\"config\":{\"user.team\":\"qa\"}}");
        Assert.Equal(200, patched.Status);
        var shown = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/it-prof");
        Assert.Equal("qa", shown.Metadata.GetProperty("config").GetProperty("user.team").GetString());
        Assert.Equal("true", shown.Metadata.GetProperty("config").GetProperty("security.idmap.isolated").GetString());
        Assert.Equal("profiles-pool", shown.Metadata.GetProperty("devices").GetProperty("root").GetProperty("pool").GetString());

        // The pool a profile uses cannot be deleted, and says who uses it.
        var pool = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/storage-pools/profiles-pool");
        Assert.Contains(pool.Metadata.GetProperty("used_by").EnumerateArray(), u => u.GetString() == "/1.0/profiles/it-prof");
        var inUse = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, "/1.0/storage-pools/profiles-pool");
        Assert.Equal(400, inUse.Status);
        Assert.Contains("in use", inUse.Error);

        var stale = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0/profiles/it-prof", "{}", new Dictionary<string, string> { ["If-Match"] = "\"stale\"" });
        Assert.Equal(412, stale.Status);

        Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/profiles/it-prof", "{\"name\":\"it-prof2\"}")).Status);
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/it-prof")).Status);
        Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, "/1.0/profiles/it-prof2")).Status);
        Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, "/1.0/storage-pools/profiles-pool")).Status);
    }

    [Theory]
    [InlineData("{\"config\":{\"limits.cpu\":\"2\"}}", "limits.cpu")]
    [InlineData("{\"config\":{\"security.privileged\":\"maybe\"}}", "security.privileged")]
    [InlineData("{\"config\":{\"security.privileged\":\"true\",\"security.idmap.isolated\":\"true\"}}", "cannot both")]
    [InlineData("{\"devices\":{\"root\":{\"type\":\"disk\",\"path\":\"/\",\"pool\":\"nosuchpool\"}}}", "nosuchpool")]
    [InlineData("{\"devices\":{\"eth0\":{\"type\":\"nic\",\"network\":\"nosuchnet\"}}}", "nosuchnet")]
    [InlineData("{\"devices\":{\"x\":{\"path\":\"/\"}}}", "missing type")]
    public async Task InvalidChangesAre400AndChangeNothing(string body, string message)
    {
        var before = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default");
        var answer = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0/profiles/default", body);
        Assert.Equal(400, answer.Status);
        Assert.Contains(message, answer.Error);
        var after = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default");
        Assert.Equal(before.Metadata.GetRawText(), after.Metadata.GetRawText());
    }

    [Fact]
    public async Task TheCliAndTheRealLxcClientManageProfiles()
    {
        await EnsurePoolAsync("default");
        (await Command.RunAsync(Stage.Cli, ["profile", "create", "cli-prof"], CliEnvironment)).EnsureSuccess("profile create");
        (await Command.RunAsync(Stage.Cli, ["profile", "set", "cli-prof", "user.owner=qa"], CliEnvironment)).EnsureSuccess("profile set");
        (await Command.RunAsync(Stage.Cli, ["profile", "device", "add", "cli-prof", "root", "disk", "path=/", "pool=default"], CliEnvironment))
            .EnsureSuccess("profile device add");
        var shown = (await Command.RunAsync(Stage.Cli, ["profile", "show", "cli-prof"], CliEnvironment)).EnsureSuccess("profile show");
        Assert.Contains("user.owner: qa", shown.Output);
        Assert.Contains("pool: default", shown.Output);

        var edited = shown.Output.Replace("user.owner: qa", "user.owner: ops", StringComparison.Ordinal);
        (await Command.RunAsync(Stage.Cli, ["profile", "edit", "cli-prof"], CliEnvironment, edited)).EnsureSuccess("profile edit");
        var table = (await Command.RunAsync(Stage.Cli, ["profile", "list"], CliEnvironment)).EnsureSuccess("profile list");
        Assert.Contains("cli-prof", table.Output);

        string config = Directory.CreateTempSubdirectory("incus-it-lxc-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["LXD_SOCKET"] = Daemon.SocketPath, ["LXD_CONF"] = config };
            var lxcShow = await Command.RunAsync("/usr/bin/lxc", ["profile", "show", "cli-prof"], environment);
            Assert.True(lxcShow.ExitCode == 0, lxcShow.Error);
            Assert.Contains("user.owner: ops", lxcShow.Output);
            var lxcList = await Command.RunAsync("/usr/bin/lxc", ["profile", "list", "--format", "csv"], environment);
            Assert.True(lxcList.ExitCode == 0, lxcList.Error);
            Assert.Contains("cli-prof", lxcList.Output);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
        (await Command.RunAsync(Stage.Cli, ["profile", "device", "remove", "cli-prof", "root"], CliEnvironment)).EnsureSuccess("profile device remove");
        var devices = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/cli-prof");
        Assert.Empty(devices.Metadata.GetProperty("devices").EnumerateObject());
        (await Command.RunAsync(Stage.Cli, ["profile", "delete", "cli-prof"], CliEnvironment)).EnsureSuccess("profile delete");
    }
}
