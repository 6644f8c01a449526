using System.Net.Http.Headers;
using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>The image store through the API, our CLI and the real lxc client.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ImageTests(DaemonFixture fixture)
{
    private RunningDaemon Daemon => fixture.Daemon;
    private Dictionary<string, string> CliEnvironment => new() { ["INCUS_DIR"] = Daemon.Directory };

    private async Task<UnixHttp.Answer> UploadAsync(string path, IDictionary<string, string>? headers = null)
    {
        using var client = new HttpClient(UnixHttp.Handler(Daemon.SocketPath)) { BaseAddress = new Uri("http://unix.socket") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/1.0/images") { Content = new StreamContent(File.OpenRead(path)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        var response = await client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return new UnixHttp.Answer((int)response.StatusCode, body, response);
    }

    private async Task DeleteIfPresentAsync(string fingerprint)
    {
        var existing = await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/{fingerprint}");
        if (existing.Status == 200)
        {
            var deleted = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, $"/1.0/images/{fingerprint}");
            Assert.Equal(202, deleted.Status);
            await UnixHttp.GetAsync(Daemon.SocketPath, $"{deleted.Body.GetProperty("operation").GetString()}/wait?timeout=30");
        }
    }

    private string[] ImageFiles() => Directory.GetFileSystemEntries(Path.Combine(Daemon.Directory, "images")).Select(p => Path.GetFileName(p)!).Order().ToArray();

    [Fact]
    public async Task ImportListAliasPublishExportAndDelete()
    {
        string fingerprint = await BusyboxImage.FingerprintAsync();
        await DeleteIfPresentAsync(fingerprint);

        var upload = await UploadAsync(await BusyboxImage.PathAsync(), new Dictionary<string, string> { ["X-Incus-filename"] = "busybox.tar.gz" });
        Assert.Equal(202, upload.Status);
        string operation = upload.Body.GetProperty("operation").GetString()!;
        var done = await UnixHttp.GetAsync(Daemon.SocketPath, $"{operation}/wait?timeout=30");
        Assert.Equal(200, done.Metadata.GetProperty("status_code").GetInt32());
        Assert.Equal(fingerprint, done.Metadata.GetProperty("metadata").GetProperty("fingerprint").GetString());
        Assert.Contains(fingerprint, ImageFiles());
        Assert.DoesNotContain(ImageFiles(), f => f.StartsWith(".upload", StringComparison.Ordinal));

        var image = await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/{fingerprint[..12]}");
        Assert.Equal("x86_64", image.Metadata.GetProperty("architecture").GetString());
        Assert.Equal("busybox", image.Metadata.GetProperty("properties").GetProperty("os").GetString());
        Assert.False(image.Metadata.GetProperty("public").GetBoolean());

        Assert.Equal(409, (await UploadAsync(await BusyboxImage.PathAsync())).Status);

        var alias = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/images/aliases", $"{{\"name\":\"it-busybox\",\"target\":\"{fingerprint}\"}}");
        Assert.Equal(200, alias.Status);
        Assert.Equal(fingerprint, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/images/aliases/it-busybox")).Metadata.GetProperty("target").GetString());
        Assert.Equal(409, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/images/aliases", $"{{\"name\":\"it-busybox\",\"target\":\"{fingerprint}\"}}")).Status);

        var published = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, $"/1.0/images/{fingerprint}", "{\"public\":true}");
        Assert.Equal(200, published.Status);
        Assert.True((await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/{fingerprint}")).Metadata.GetProperty("public").GetBoolean());

        using (var client = new HttpClient(UnixHttp.Handler(Daemon.SocketPath)) { BaseAddress = new Uri("http://unix.socket") })
        {
            byte[] exported = await client.GetByteArrayAsync($"/1.0/images/{fingerprint}/export");
            Assert.Equal(await File.ReadAllBytesAsync(await BusyboxImage.PathAsync()), exported);
        }

        var deleted = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, $"/1.0/images/{fingerprint}");
        Assert.Equal(202, deleted.Status);
        await UnixHttp.GetAsync(Daemon.SocketPath, $"{deleted.Body.GetProperty("operation").GetString()}/wait?timeout=30");
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/{fingerprint}")).Status);
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/images/aliases/it-busybox")).Status);
        Assert.DoesNotContain(fingerprint, ImageFiles());
    }

    [Fact]
    public async Task OlderClientsXLxdUploadHeadersAreHonoured()
    {
        string fingerprint = await BusyboxImage.FingerprintAsync();
        await DeleteIfPresentAsync(fingerprint);
        try
        {
            // The LXD 5.0 client's image upload names everything with X-LXD-*, never X-Incus-*.
            var mismatch = await UploadAsync(await BusyboxImage.PathAsync(), new Dictionary<string, string> { ["X-LXD-fingerprint"] = new string('0', 64) });
            Assert.Equal(400, mismatch.Status);
            Assert.Contains("Fingerprints don't match", mismatch.Body.GetProperty("error").GetString());

            var upload = await UploadAsync(await BusyboxImage.PathAsync(), new Dictionary<string, string>
            {
                ["X-LXD-fingerprint"] = fingerprint,
                ["X-LXD-public"] = "true",
                ["X-LXD-filename"] = "from-lxd.tar.gz",
                ["X-LXD-properties"] = "extra=from%20lxd&os=busybox",
                ["X-LXD-aliases"] = "lxd-header-a,name=lxd-header-b",
            });
            Assert.Equal(202, upload.Status);
            var done = await UnixHttp.GetAsync(Daemon.SocketPath, $"{upload.Body.GetProperty("operation").GetString()}/wait?timeout=30");
            Assert.Equal(200, done.Metadata.GetProperty("status_code").GetInt32());

            var image = (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/{fingerprint}")).Metadata;
            Assert.True(image.GetProperty("public").GetBoolean());
            Assert.Equal("from-lxd.tar.gz", image.GetProperty("filename").GetString());
            Assert.Equal("from lxd", image.GetProperty("properties").GetProperty("extra").GetString());
            Assert.Equal(["lxd-header-a", "lxd-header-b"], image.GetProperty("aliases").EnumerateArray().Select(a => a.GetProperty("name").GetString()!).Order().ToArray());
            foreach (string alias in new[] { "lxd-header-a", "lxd-header-b" })
            {
                Assert.Equal(fingerprint, (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/aliases/{alias}")).Metadata.GetProperty("target").GetString());
            }
        }
        finally
        {
            await DeleteIfPresentAsync(fingerprint);
        }
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/images/aliases/lxd-header-a")).Status);
    }

    [Theory]
    [InlineData("dotdot")]
    [InlineData("absolute")]
    [InlineData("symlink-to-etc")]
    [InlineData("device-node")]
    public async Task UnsafeTarballsAre400WithNoLeftovers(string kind)
    {
        string path = UnsafeImages.Build(kind);
        try
        {
            var before = ImageFiles();
            var answer = await UploadAsync(path);
            Assert.Equal(400, answer.Status);
            Assert.Equal("error", answer.Body.GetProperty("type").GetString());
            Assert.StartsWith("Invalid image", answer.Body.GetProperty("error").GetString());
            Assert.Equal(before, ImageFiles());
            Assert.False(File.Exists("/etc/incus-it-owned"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task CorruptUploadsAre400WithNoLeftovers()
    {
        string path = Path.GetTempFileName();
        try
        {
            byte[] image = await File.ReadAllBytesAsync(await BusyboxImage.PathAsync());
            await File.WriteAllBytesAsync(path, image[..(image.Length / 3)]);
            var before = ImageFiles();
            var answer = await UploadAsync(path);
            Assert.Equal(400, answer.Status);
            Assert.Equal(before, ImageFiles());

            var mismatch = await UploadAsync(await BusyboxImage.PathAsync(), new Dictionary<string, string> { ["X-Incus-fingerprint"] = new string('0', 64) });
            Assert.Equal(400, mismatch.Status);
            Assert.Contains("Fingerprints don't match", mismatch.Body.GetProperty("error").GetString());
            Assert.Equal(before, ImageFiles());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task TheCliImportsListsShowsAndDeletes()
    {
        string fingerprint = await BusyboxImage.FingerprintAsync();
        await DeleteIfPresentAsync(fingerprint);
        var imported = (await Command.RunAsync(Stage.Cli, ["image", "import", await BusyboxImage.PathAsync(), "--alias", "cli-busybox"], CliEnvironment))
            .EnsureSuccess("image import");
        Assert.Contains($"Image imported with fingerprint: {fingerprint}", imported.Output);
        Assert.Contains("Transferring image", imported.Error);
        var table = (await Command.RunAsync(Stage.Cli, ["image", "list"], CliEnvironment)).EnsureSuccess("image list");
        Assert.Contains("cli-busybox", table.Output);
        Assert.Contains(fingerprint[..12], table.Output);
        var shown = (await Command.RunAsync(Stage.Cli, ["image", "show", "cli-busybox"], CliEnvironment)).EnsureSuccess("image show");
        Assert.Contains($"fingerprint: {fingerprint}", shown.Output);
        (await Command.RunAsync(Stage.Cli, ["image", "delete", "cli-busybox"], CliEnvironment)).EnsureSuccess("image delete");
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/{fingerprint}")).Status);
    }

    [Fact]
    public async Task TheRealLxcClientImportsListsAndDeletes()
    {
        string fingerprint = await BusyboxImage.FingerprintAsync();
        await DeleteIfPresentAsync(fingerprint);
        string config = Directory.CreateTempSubdirectory("incus-it-lxc-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["LXD_SOCKET"] = Daemon.SocketPath, ["LXD_CONF"] = config };
            var imported = await Command.RunAsync("/usr/bin/lxc", ["image", "import", await BusyboxImage.PathAsync(), "--alias", "lxc-busybox"], environment);
            Assert.True(imported.ExitCode == 0, imported.Error);
            Assert.Contains(fingerprint, imported.Output);
            var listed = await Command.RunAsync("/usr/bin/lxc", ["image", "list", "--format", "csv"], environment);
            Assert.True(listed.ExitCode == 0, listed.Error);
            Assert.Contains("lxc-busybox", listed.Output);
            var deleted = await Command.RunAsync("/usr/bin/lxc", ["image", "delete", "lxc-busybox"], environment);
            Assert.True(deleted.ExitCode == 0, deleted.Error);
            Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/images/{fingerprint}")).Status);
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }
}
