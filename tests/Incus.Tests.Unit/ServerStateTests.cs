using Incus.Daemon.Database;
using Incus.Daemon.Plugins;
using Incus.Daemon.Server;
using Serilog;

namespace Incus.Tests.Unit;

public sealed class ServerStateTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly LocalDatabase _database;
    private readonly ServerState _state;

    public ServerStateTests()
    {
        _database = new LocalDatabase(Path.Combine(_directory.Path, "local.db"));
        var registry = new DriverRegistry();
        _state = new ServerState(new ServerConfigStore(_database), new HostFacts("Linux", "6.1", "x86_64", "Debian", "12", "host"),
            new PluginHost(_directory.Path, registry, new LoggerConfiguration().CreateLogger()), registry);
    }

    [Fact]
    public void PatchMergesAndEmptyValuesRemove()
    {
        Assert.Null(_state.ApplyConfig(new Dictionary<string, string?> { ["user.a"] = "1", ["user.b"] = "2" }, replace: false));
        Assert.Null(_state.ApplyConfig(new Dictionary<string, string?> { ["user.a"] = "" }, replace: false));
        Assert.Equal(new Dictionary<string, string> { ["user.b"] = "2" }, _state.Config);
    }

    [Fact]
    public void PutReplacesEverything()
    {
        _state.ApplyConfig(new Dictionary<string, string?> { ["user.a"] = "1" }, replace: false);
        Assert.Null(_state.ApplyConfig(new Dictionary<string, string?> { ["user.c"] = "3" }, replace: true));
        Assert.Equal(new Dictionary<string, string> { ["user.c"] = "3" }, _state.Config);
    }

    [Fact]
    public void OneBadKeyAppliesNothing()
    {
        _state.ApplyConfig(new Dictionary<string, string?> { ["user.keep"] = "yes" }, replace: false);
        string? error = _state.ApplyConfig(new Dictionary<string, string?> { ["user.new"] = "1", ["core.unknown"] = "x" }, replace: false);
        Assert.Contains("core.unknown", error);
        Assert.Equal(new Dictionary<string, string> { ["user.keep"] = "yes" }, _state.Config);
        Assert.Equal(_state.Config, new ServerConfigStore(_database).GetAll());
    }

    [Fact]
    public void RefusesControlCharactersInValues()
    {
        Assert.NotNull(_state.ApplyConfig(new Dictionary<string, string?> { ["user.x"] = "a\u0000b" }, replace: false));
        Assert.Empty(_state.Config);
    }

    [Fact]
    public void TrustedViewListsExtensionsAndEnvironment()
    {
        var info = _state.Trusted("root");
        Assert.Equal("trusted", info.Auth);
        Assert.Equal("unix", info.AuthUserMethod);
        Assert.Contains("api_os", info.ApiExtensions!);
        Assert.Equal("incus", info.Environment!.Server);
        Assert.Equal(Environment.ProcessId, info.Environment.ServerPid);
    }

    [Fact]
    public void CachedServerAnswerFollowsConfigAndHardeningChanges()
    {
        var (first, firstTag) = _state.TrustedAnswer("root");
        Assert.Same(first, _state.TrustedAnswer("root").Envelope);
        _state.ApplyConfig(new Dictionary<string, string?> { ["user.cached"] = "1" }, replace: false);
        var (second, secondTag) = _state.TrustedAnswer("root");
        Assert.NotEqual(firstTag, secondTag);
        using (var parsed = System.Text.Json.JsonDocument.Parse(second))
        {
            Assert.Equal("1", parsed.RootElement.GetProperty("metadata").GetProperty("config").GetProperty("user.cached").GetString());
        }
        _state.RecordHardeningFailure("helper gone");
        var third = _state.TrustedAnswer("root").Envelope;
        Assert.Contains("helper gone", System.Text.Encoding.UTF8.GetString(third));
        Assert.NotSame(third, _state.TrustedAnswer("other").Envelope);
    }

    public void Dispose()
    {
        _database.Dispose();
        _directory.Dispose();
    }
}
