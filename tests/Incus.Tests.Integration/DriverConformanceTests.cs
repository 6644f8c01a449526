namespace Incus.Tests.Integration;

/// <summary>
/// incus-driver-check, as installed in the stage, on the in-tree plugins and on a deliberately broken
/// driver. The sample's run is in <see cref="SdkSampleTests"/>, which builds it from the packed SDK.
/// </summary>
public sealed class DriverConformanceTests
{
    public static Task<Command.Result> CheckAsync(string pluginFolder) =>
        Command.RunAsync(Path.Combine(Stage.Directory, "driver-check", "incus-driver-check"), [pluginFolder], timeout: TimeSpan.FromMinutes(3));

    [Fact]
    public async Task TheInTreeStorageDirPluginPasses()
    {
        var result = await CheckAsync(Path.Combine(Stage.Directory, "plugins", "storage-dir"));
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("PASS  dir: leftovers: delete removes everything create made", result.Output);
        Assert.Contains("PASS  dir: confinement: create touched only the pool's own directory", result.Output);
        Assert.DoesNotContain("FAIL", result.Output);
    }

    [Fact]
    public async Task ABrokenStorageDriverFailsOnLeftoversAndConfinement()
    {
        var result = await CheckAsync(FixturePlugins.Output("LeakyStoragePlugin"));
        Assert.True(result.ExitCode == 1, result.Output + result.Error);
        Assert.Contains("FAIL  leaky: leftovers: delete removes everything create made", result.Output);
        Assert.Contains("FAIL  leaky: confinement: refuses source=/etc: ValidateConfig accepted source=/etc", result.Output);
        Assert.Contains("FAIL  leaky: refuses an unknown config key", result.Output);
        // What it does right still passes: the kit reports each check, not a blanket verdict.
        Assert.Contains("PASS  leaky: create: the pool exists beneath the storage root", result.Output);
    }

    [Fact]
    public async Task APluginTheLoaderRefusesFails()
    {
        var result = await CheckAsync(FixturePlugins.Output("ThrowingPlugin"));
        Assert.True(result.ExitCode == 1, result.Output + result.Error);
        Assert.Contains("FAIL  load: the daemon's loader accepts the plugin: InvalidOperationException: this plugin always fails", result.Output);
    }

    [Fact]
    public async Task AKindWithoutASuiteIsReportedAsNotCheckedRatherThanPassed()
    {
        var result = await CheckAsync(Path.Combine(Stage.Directory, "plugins", "firewall-nft"));
        Assert.True(result.ExitCode == 2, result.Output + result.Error);
        Assert.Contains("not checked: this kit has no suite for firewall drivers", result.Output);
        Assert.DoesNotContain("passed", result.Output);
    }
}
