using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>The real lxc client from Debian's lxd-client package talks to our socket.</summary>
[Collection(DaemonCollection.Name)]
public sealed class RealClientTests(DaemonFixture fixture) : IDisposable
{
    private readonly string _configDirectory = Directory.CreateTempSubdirectory("incus-it-lxc-").FullName;

    private Dictionary<string, string> Environment => new()
    {
        ["LXD_SOCKET"] = fixture.Daemon.SocketPath,
        ["LXD_CONF"] = _configDirectory,
    };

    [Fact]
    public async Task LxcInfoSucceeds()
    {
        var result = await Command.RunAsync("/usr/bin/lxc", ["info"], Environment, timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"lxc info failed: {result.Error}");
        Assert.Contains("api_version: \"1.0\"", result.Output);
        Assert.Contains("server: incus", result.Output);
    }

    [Fact]
    public async Task LxcQuerySucceeds()
    {
        var result = await Command.RunAsync("/usr/bin/lxc", ["query", "/1.0"], Environment, timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"lxc query failed: {result.Error}");
        using var parsed = JsonDocument.Parse(result.Output);
        Assert.Equal("trusted", parsed.RootElement.GetProperty("auth").GetString());
    }

    public void Dispose() => Directory.Delete(_configDirectory, recursive: true);
}
