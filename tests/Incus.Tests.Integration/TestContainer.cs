using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>An instance a test created through the API; disposing stops and deletes it.</summary>
public sealed class TestContainer(RunningDaemon daemon, string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    public async Task<JsonElement> WaitAsync(UnixHttp.Answer accepted)
    {
        Assert.True(accepted.Status == 202, $"expected an operation, got {accepted.Status}: {accepted.Body}");
        var done = await UnixHttp.GetAsync(daemon.SocketPath, $"{accepted.Body.GetProperty("operation").GetString()}/wait?timeout=120");
        return done.Metadata;
    }

    public async ValueTask DisposeAsync()
    {
        var state = await UnixHttp.GetAsync(daemon.SocketPath, $"/1.0/instances/{Name}/state");
        if (state.Status == 404)
        {
            return;
        }
        if (state.Metadata.GetProperty("status").GetString() == "Running")
        {
            await WaitAsync(await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Put, $"/1.0/instances/{Name}/state", "{\"action\":\"stop\",\"force\":true}"));
        }
        var deleted = await WaitAsync(await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Delete, $"/1.0/instances/{Name}"));
        Assert.Equal(200, deleted.GetProperty("status_code").GetInt32());
    }
}
