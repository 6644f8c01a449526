using Incus.Daemon.Plugins;
using Incus.Sdk;
using Serilog;

namespace Incus.Tests.Unit;

public sealed class PluginHostTests : IDisposable
{
    private readonly TemporaryDirectory _plugins = new();
    private readonly DriverRegistry _registry = new();
    private readonly PluginHost _host;

    public PluginHostTests()
    {
        _host = new PluginHost(_plugins.Path, _registry, new LoggerConfiguration().CreateLogger());
    }

    private string CopyPlugin(string projectDirectory, string folderName)
    {
        string target = Path.Combine(_plugins.Path, folderName);
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(TestPaths.BuildOutput(projectDirectory)))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return target;
    }

    [Fact]
    public void LoadsARealPluginFolder()
    {
        CopyPlugin("plugins/storage-dir", "storage-dir");
        _host.LoadAll();
        var status = Assert.Single(_host.Statuses);
        Assert.Equal("storage-dir", status.Name);
        Assert.Equal("loaded", status.Status);
        Assert.Null(status.Error);
        Assert.Equal(["dir"], status.Drivers);
        Assert.True(_registry.Storage.ContainsKey("dir"));
    }

    [Fact]
    public void RefusesAnIncompatibleSdkNamingBothVersions()
    {
        string folder = CopyPlugin("plugins/storage-dir", "storage-dir");
        string manifest = Path.Combine(folder, "plugin.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(">=1.0.0 <2.0.0", ">=2.0.0 <3.0.0"));
        _host.LoadAll();
        var status = Assert.Single(_host.Statuses);
        Assert.Equal("failed", status.Status);
        Assert.Contains(">=2.0.0 <3.0.0", status.Error);
        Assert.Contains(SdkVersion.Current, status.Error);
    }

    [Fact]
    public void APluginThatThrowsIsReportedAndOthersStillLoad()
    {
        CopyPlugin("tests/fixtures/ThrowingPlugin", "a-throwing");
        CopyPlugin("plugins/storage-dir", "storage-dir");
        _host.LoadAll();
        Assert.Equal(2, _host.Statuses.Count);
        var failed = _host.Statuses.Single(s => s.Name == "throwing");
        Assert.Equal("failed", failed.Status);
        Assert.Contains("this plugin always fails", failed.Error);
        Assert.Equal("loaded", _host.Statuses.Single(s => s.Name == "storage-dir").Status);
    }

    [Fact]
    public void APluginWhoseConstructorThrowsIsReportedWithItsOwnMessage()
    {
        CopyPlugin("tests/fixtures/ThrowingConstructorPlugin", "throwing-constructor");
        CopyPlugin("plugins/storage-dir", "storage-dir");
        _host.LoadAll();
        var failed = _host.Statuses.Single(s => s.Name == "throwing-constructor");
        Assert.Equal("failed", failed.Status);
        // The plugin's exception, not the reflection wrapper ("Exception has been thrown by the target…").
        Assert.Contains("constructor threw InvalidOperationException: this plugin cannot be constructed", failed.Error);
        Assert.Equal("loaded", _host.Statuses.Single(s => s.Name == "storage-dir").Status);
        Assert.True(_registry.Storage.ContainsKey("dir"));
    }

    [Fact]
    public void AnAssemblyThatDoesNotReferenceTheSdkIsRefusedBeforeItRuns()
    {
        string folder = Path.Combine(_plugins.Path, "not-a-plugin");
        Directory.CreateDirectory(folder);
        // Any .NET assembly without an SDK reference: the platform library this test already loads.
        File.Copy(typeof(Incus.Platform.ProcessStatus).Assembly.Location, Path.Combine(folder, "Incus.Platform.dll"));
        File.WriteAllText(Path.Combine(folder, "plugin.json"),
            "{\"name\":\"not-a-plugin\",\"kind\":\"storage\",\"version\":\"1\",\"sdk\":\">=1.0.0 <2.0.0\",\"assembly\":\"Incus.Platform.dll\"}");
        _host.LoadAll();
        var status = Assert.Single(_host.Statuses);
        Assert.Equal("failed", status.Status);
        Assert.Contains("does not reference Incus.Sdk", status.Error);
    }

    [Fact]
    public void AFolderWithoutManifestIsReported()
    {
        Directory.CreateDirectory(Path.Combine(_plugins.Path, "empty"));
        _host.LoadAll();
        var status = Assert.Single(_host.Statuses);
        Assert.Equal("failed", status.Status);
        Assert.Contains("plugin.json", status.Error);
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"kind\":\"teleport\",\"version\":\"1\",\"sdk\":\"1.0.0\",\"assembly\":\"x.dll\"}", "unknown kind")]
    [InlineData("{\"name\":\"x\",\"kind\":\"storage\",\"version\":\"1\",\"sdk\":\"1.0.0\",\"assembly\":\"../x.dll\"}", "inside the plugin folder")]
    [InlineData("{\"name\":\"x\",\"kind\":\"storage\",\"version\":\"1\",\"sdk\":\"1.0.0\",\"assembly\":\"x.dll\",\"extra\":1}", "extra")]
    [InlineData("{\"name\":\"x\",\"kind\":\"storage\",\"version\":\"1\",\"sdk\":\"banana\",\"assembly\":\"x.dll\"}", "invalid")]
    [InlineData("{\"name\":\"x\",\"kind\":\"storage\",\"version\":\"1\",\"sdk\":\">=1.0.0 <2.0.0\",\"assembly\":\"missing.dll\"}", "missing")]
    public void BadManifestsAreReported(string manifest, string expected)
    {
        string folder = Path.Combine(_plugins.Path, "bad");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "plugin.json"), manifest);
        _host.LoadAll();
        var status = Assert.Single(_host.Statuses);
        Assert.Equal("failed", status.Status);
        Assert.Contains(expected, status.Error);
    }

    [Fact]
    public void AMissingPluginDirectoryLoadsNothing()
    {
        var host = new PluginHost(Path.Combine(_plugins.Path, "absent"), _registry, new LoggerConfiguration().CreateLogger());
        host.LoadAll();
        Assert.Empty(host.Statuses);
    }

    public void Dispose() => _plugins.Dispose();
}
