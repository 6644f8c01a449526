namespace Incus.Tests.Integration;

/// <summary>dir storage pools through the API, the CLI and the instance helper, on the real filesystem.</summary>
[Collection(DaemonCollection.Name)]
public sealed class StoragePoolTests(DaemonFixture fixture)
{
    private const UnixFileMode Traversable = (UnixFileMode)0b111_001_001;
    private RunningDaemon Daemon => fixture.Daemon;
    private string PoolPath(string name) => Path.Combine(Daemon.Directory, "storage-pools", name);

    private List<string> PoolDirectories()
    {
        string root = Path.Combine(Daemon.Directory, "storage-pools");
        return Directory.Exists(root) ? Directory.GetFileSystemEntries(root).Order().ToList() : [];
    }

    private Task<UnixHttp.Answer> Create(string name, string driver = "dir", string config = "{}") =>
        UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/storage-pools", $"{{\"name\":\"{name}\",\"driver\":\"{driver}\",\"config\":{config}}}");

    [Fact]
    public async Task CreateShowListAndDelete()
    {
        var created = await Create("it-pool");
        Assert.Equal(200, created.Status);
        Assert.Equal(Traversable, File.GetUnixFileMode(PoolPath("it-pool")));
        Assert.Equal(Traversable, File.GetUnixFileMode(Path.Combine(PoolPath("it-pool"), "containers")));
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Path.Combine(PoolPath("it-pool"), "images")));
        var owner = (await Command.RunAsync("/usr/bin/stat", "-c", "%U", PoolPath("it-pool"))).EnsureSuccess("stat");
        Assert.Equal("root", owner.Output.Trim());

        var shown = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/storage-pools/it-pool");
        Assert.Equal("dir", shown.Metadata.GetProperty("driver").GetString());
        Assert.Equal("Created", shown.Metadata.GetProperty("status").GetString());
        var urls = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/storage-pools");
        Assert.Contains(urls.Metadata.EnumerateArray(), u => u.GetString() == "/1.0/storage-pools/it-pool");

        var patched = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0/storage-pools/it-pool", "{\"description\":\"scratch\"}");
        Assert.Equal(200, patched.Status);
        Assert.Equal("scratch", (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/storage-pools/it-pool")).Metadata.GetProperty("description").GetString());

        Assert.Equal(409, (await Create("it-pool")).Status);

        var deleted = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, "/1.0/storage-pools/it-pool");
        Assert.Equal(200, deleted.Status);
        Assert.False(Directory.Exists(PoolPath("it-pool")));
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/storage-pools/it-pool")).Status);
        Assert.Equal(404, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, "/1.0/storage-pools/it-pool")).Status);
    }

    [Theory]
    [InlineData("../escape", "dir", "{}", "Invalid storage pool name")]
    [InlineData("-x", "dir", "{}", "Invalid storage pool name")]
    [InlineData("good", "zfs", "{}", "zfs")]
    [InlineData("good", "", "{}", "No driver")]
    [InlineData("good", "dir", "{\"source\":\"/etc\"}", "source")]
    public async Task BadRequestsAre400AndCreateNothing(string name, string driver, string config, string message)
    {
        var before = PoolDirectories();
        var answer = await Create(name, driver, config);
        Assert.Equal(400, answer.Status);
        Assert.Contains(message, answer.Error);
        Assert.Equal(before, PoolDirectories());
    }

    [Fact]
    public async Task APlantedSymlinkIsNotFollowed()
    {
        string target = Directory.CreateTempSubdirectory("incus-it-target-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(Daemon.Directory, "storage-pools"));
            File.CreateSymbolicLink(PoolPath("planted"), target);
            var answer = await Create("planted");
            Assert.Equal(400, answer.Status);
            Assert.Contains("already exists", answer.Error);
            Assert.Empty(Directory.GetFileSystemEntries(target));
            Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/storage-pools/planted")).Status);
        }
        finally
        {
            File.Delete(PoolPath("planted"));
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task TheCliManagesPools()
    {
        var environment = new Dictionary<string, string> { ["INCUS_DIR"] = Daemon.Directory };
        (await Command.RunAsync(Stage.Cli, ["storage", "create", "cli-pool", "dir"], environment)).EnsureSuccess("storage create");
        var table = (await Command.RunAsync(Stage.Cli, ["storage", "list"], environment)).EnsureSuccess("storage list");
        Assert.Matches(@"\| cli-pool +\| dir +\|", table.Output);
        var csv = (await Command.RunAsync(Stage.Cli, ["storage", "list", "--format", "csv"], environment)).EnsureSuccess("storage list csv");
        Assert.Contains("cli-pool,dir,,0,CREATED", csv.Output);
        var shown = (await Command.RunAsync(Stage.Cli, ["storage", "show", "cli-pool"], environment)).EnsureSuccess("storage show");
        Assert.Contains("driver: dir", shown.Output);
        (await Command.RunAsync(Stage.Cli, ["storage", "delete", "cli-pool"], environment)).EnsureSuccess("storage delete");
        Assert.False(Directory.Exists(PoolPath("cli-pool")));
    }

    [Fact]
    public async Task AFailedPreseedLeavesNoPoolBehind()
    {
        var environment = new Dictionary<string, string> { ["INCUS_DIR"] = Daemon.Directory };
        string preseed = "storage_pools:\n- name: seeded-ok\n  driver: dir\n- name: seeded-bad\n  driver: nosuchdriver\n";
        var result = await Command.RunAsync(Stage.Cli, ["admin", "init", "--preseed"], environment, preseed);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nosuchdriver", result.Error);
        Assert.False(Directory.Exists(PoolPath("seeded-ok")));
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/storage-pools/seeded-ok")).Status);
    }
}
