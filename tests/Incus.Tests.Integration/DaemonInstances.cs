using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>Instance chores the tests share: the busybox image under an alias, create, state changes and delete, through the API.</summary>
public sealed class DaemonInstances(RunningDaemon daemon, string imageAlias)
{
    public Dictionary<string, string> CliEnvironment => new() { ["INCUS_DIR"] = daemon.Directory };

    /// <summary>The default pool and profile (admin init --minimal) and the busybox image under the alias.</summary>
    public async Task PrepareAsync()
    {
        (await Command.RunAsync(Stage.Cli, ["admin", "init", "--minimal"], CliEnvironment)).EnsureSuccess("admin init");
        if ((await UnixHttp.GetAsync(daemon.SocketPath, $"/1.0/images/aliases/{imageAlias}")).Status != 404)
        {
            return;
        }
        string fingerprint = await BusyboxImage.FingerprintAsync();
        if ((await UnixHttp.GetAsync(daemon.SocketPath, $"/1.0/images/{fingerprint}")).Status == 404)
        {
            (await Command.RunAsync(Stage.Cli, ["image", "import", await BusyboxImage.PathAsync()], CliEnvironment)).EnsureSuccess("image import");
        }
        Assert.Equal(200, (await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Post, "/1.0/images/aliases",
            JsonSerializer.Serialize(new { name = imageAlias, target = fingerprint }))).Status);
    }

    /// <summary>Waits for an operation the daemon accepted and returns it as it ended.</summary>
    public async Task<JsonElement> WaitAsync(UnixHttp.Answer accepted)
    {
        Assert.True(accepted.Status == 202, $"expected an operation, got {accepted.Status}: {accepted.Body}");
        return (await UnixHttp.GetAsync(daemon.SocketPath, $"{accepted.Body.GetProperty("operation").GetString()}/wait?timeout=120")).Metadata;
    }

    /// <summary>Creates an instance and returns the ended operation (status_code 200 on success).</summary>
    public async Task<JsonElement> CreateAsync(string name, bool start, IReadOnlyDictionary<string, string>? config = null) =>
        await WaitAsync(await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Post, "/1.0/instances", JsonSerializer.Serialize(new
        {
            name,
            source = new { type = "image", alias = imageAlias },
            start,
            config = config ?? new Dictionary<string, string>(),
            profiles = new[] { "default" },
        })));

    public async Task CreateOrFailAsync(string name, bool start, IReadOnlyDictionary<string, string>? config = null)
    {
        var created = await CreateAsync(name, start, config);
        Assert.True(created.GetProperty("status_code").GetInt32() == 200, $"creating {name}: {created.GetProperty("err").GetString()}");
    }

    public async Task ChangeStateAsync(string name, string action)
    {
        var done = await WaitAsync(await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Put, $"/1.0/instances/{name}/state",
            JsonSerializer.Serialize(new { action, force = true })));
        Assert.True(done.GetProperty("status_code").GetInt32() == 200, $"{action} {name}: {done.GetProperty("err").GetString()}\n{daemon.RecentLog}");
    }

    public async Task<JsonElement> GetAsync(string name) => (await UnixHttp.GetAsync(daemon.SocketPath, $"/1.0/instances/{name}")).Metadata;

    /// <summary>PATCHes the instance's config and returns the answer (200, or the refusal).</summary>
    public Task<UnixHttp.Answer> SetConfigAsync(string name, IReadOnlyDictionary<string, string> config) =>
        UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Patch, $"/1.0/instances/{name}", JsonSerializer.Serialize(new { config }));

    /// <summary>Stops (if running) and deletes an instance; nothing happens when it does not exist.</summary>
    public async Task DeleteAsync(string name)
    {
        var state = await UnixHttp.GetAsync(daemon.SocketPath, $"/1.0/instances/{name}/state");
        if (state.Status == 404)
        {
            return;
        }
        if (state.Metadata.GetProperty("status").GetString() == "Running")
        {
            await ChangeStateAsync(name, "stop");
        }
        var deleted = await WaitAsync(await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Delete, $"/1.0/instances/{name}"));
        Assert.Equal(200, deleted.GetProperty("status_code").GetInt32());
    }
}
