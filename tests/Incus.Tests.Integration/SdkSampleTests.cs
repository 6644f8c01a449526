using System.Text.Json;
using Incus.Sdk;

namespace Incus.Tests.Integration;

/// <summary>
/// The promise to driver authors, end to end: a driver built outside the repository against the packed
/// SDK loads in the stock daemon and works; one built against another SDK major, or one that throws, is
/// reported and kept out while the daemon and the other drivers go on.
/// </summary>
public sealed class SdkSampleTests(SdkSampleFixture fixture) : IClassFixture<SdkSampleFixture>
{
    private RunningDaemon Daemon => fixture.Daemon;

    private async Task<JsonElement> EnvironmentAsync()
    {
        var answer = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0");
        Assert.Equal(200, answer.Status);
        return answer.Metadata.GetProperty("environment");
    }

    private static JsonElement Plugin(JsonElement environment, string name) =>
        Assert.Single(environment.GetProperty("plugins").EnumerateArray(), p => p.GetProperty("name").GetString() == name);

    private Task<UnixHttp.Answer> CreatePool(string name, string driver, string config = "{}") =>
        UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/storage-pools", $"{{\"name\":\"{name}\",\"driver\":\"{driver}\",\"config\":{config}}}");

    [Fact]
    public async Task TheSampleBuiltFromThePackageIsListedInGet10AndWorks()
    {
        // Built against the package, and shipping no SDK of its own: the daemon's is shared.
        Assert.False(File.Exists(Path.Combine(fixture.SamplePlugin, "Incus.Sdk.dll")));
        string assets = File.ReadAllText(Path.Combine(fixture.Work, "samples", "storage-scratch", "obj", "project.assets.json"));
        Assert.Contains($"\"Incus.Sdk/{SdkVersion.Current}\"", assets);
        Assert.Contains("\"type\": \"package\"", assets);
        Assert.DoesNotContain("\"type\": \"project\"", assets);

        var environment = await EnvironmentAsync();
        var sample = Plugin(environment, "storage-scratch");
        Assert.Equal("loaded", sample.GetProperty("status").GetString());
        Assert.Equal("storage", sample.GetProperty("kind").GetString());
        Assert.Equal(["scratch"], sample.GetProperty("drivers").EnumerateArray().Select(d => d.GetString()));
        Assert.Contains("scratch", environment.GetProperty("storage").GetString()!.Split(" | "));

        Assert.Equal(400, (await CreatePool("sample-bad", "scratch", "{\"source\":\"/etc\"}")).Status);
        var created = await CreatePool("sample-pool", "scratch", "{\"scratch.purpose\":\"throwaway CI instances\"}");
        Assert.True(created.Status == 200, created.Body.ToString());
        Assert.True(Directory.Exists(Path.Combine(Daemon.Directory, "storage-pools", "sample-pool")));
        Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, "/1.0/storage-pools/sample-pool")).Status);
        Assert.False(Directory.Exists(Path.Combine(Daemon.Directory, "storage-pools", "sample-pool")));
    }

    [Fact]
    public async Task TheSamplePassesTheConformanceKit()
    {
        var result = await DriverConformanceTests.CheckAsync(fixture.SamplePlugin);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("PASS  scratch: leftovers: delete removes everything create made", result.Output);
    }

    [Fact]
    public async Task PluginsBuiltAgainstAnotherSdkMajorAreRefusedNamingBothVersions()
    {
        var environment = await EnvironmentAsync();
        var honest = Plugin(environment, "scratch-next-sdk");
        Assert.Equal("failed", honest.GetProperty("status").GetString());
        string honestError = honest.GetProperty("error").GetString()!;
        Assert.Contains($">={fixture.NextMajor}", honestError);
        Assert.Contains(SdkVersion.Current, honestError);

        // Its manifest claims this SDK too; the compiled reference says otherwise and wins.
        var lying = Plugin(environment, "scratch-next-sdk-lying");
        Assert.Equal("failed", lying.GetProperty("status").GetString());
        string lyingError = lying.GetProperty("error").GetString()!;
        Assert.Contains($"built against SDK {fixture.NextMajor[..^2]}", lyingError);
        Assert.Contains(SdkVersion.Current, lyingError);

        Assert.False(Daemon.HasExited);
        Assert.Equal("loaded", Plugin(environment, "storage-dir").GetProperty("status").GetString());
    }

    [Fact]
    public async Task PluginsThatThrowAreReportedAndTheOtherDriversWork()
    {
        int core = Daemon.CorePid;
        var environment = await EnvironmentAsync();
        var constructor = Plugin(environment, "throwing-constructor");
        Assert.Equal("failed", constructor.GetProperty("status").GetString());
        Assert.Contains("constructor threw InvalidOperationException: this plugin cannot be constructed", constructor.GetProperty("error").GetString());
        var register = Plugin(environment, "throwing");
        Assert.Equal("failed", register.GetProperty("status").GetString());
        Assert.Contains("this plugin always fails", register.GetProperty("error").GetString());

        // Loads fine, then throws on first use: the request fails naming the driver, nothing else does.
        Assert.Equal("loaded", Plugin(environment, "failing-storage").GetProperty("status").GetString());
        var failed = await CreatePool("fails-on-use", "failing");
        Assert.Equal(500, failed.Status);
        Assert.Contains("storage driver \"failing\" failed: InvalidOperationException: the failing driver breaks on first use", failed.Error);
        Assert.Equal(404, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/storage-pools/fails-on-use")).Status);

        Assert.Equal(200, (await CreatePool("after-failure", "dir")).Status);
        Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, "/1.0/storage-pools/after-failure")).Status);
        Assert.False(Daemon.HasExited);
        Assert.Equal(core, Daemon.CorePid);
    }
}
