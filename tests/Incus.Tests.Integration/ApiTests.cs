using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>The local API against the real daemon: envelopes, errors, config, operations and events.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ApiTests(DaemonFixture fixture)
{
    private RunningDaemon Daemon => fixture.Daemon;

    [Fact]
    public async Task RootListsTheApiVersion()
    {
        var answer = await UnixHttp.GetAsync(Daemon.SocketPath, "/");
        Assert.Equal(200, answer.Status);
        Assert.Equal("sync", answer.Body.GetProperty("type").GetString());
        Assert.Equal("/1.0", answer.Metadata[0].GetString());
    }

    [Fact]
    public async Task ServerInfoHasTheIncusShape()
    {
        var answer = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0");
        var metadata = answer.Metadata;
        foreach (string field in new[] { "api_extensions", "api_status", "api_version", "auth", "auth_user_name", "auth_user_method", "config", "environment" })
        {
            Assert.True(metadata.TryGetProperty(field, out _), $"missing {field}");
        }
        var environment = metadata.GetProperty("environment");
        Assert.Equal("incus", environment.GetProperty("server").GetString());
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), environment.GetProperty("kernel_version").GetString());
        Assert.Equal("Linux", environment.GetProperty("kernel").GetString());
        Assert.False(string.IsNullOrEmpty(environment.GetProperty("server_version").GetString()));
        var plugins = environment.GetProperty("plugins").EnumerateArray().ToList();
        foreach (string plugin in new[] { "network-bridge", "network-routed", "firewall-nft", "firewall-xt", "storage-dir" })
        {
            Assert.Contains(plugins, p => p.GetProperty("name").GetString() == plugin && p.GetProperty("status").GetString() == "loaded");
        }
        Assert.False(string.IsNullOrEmpty(answer.Message.Headers.ETag?.Tag));
    }

    [Fact]
    public async Task ApiExtensionsAdvertiseWhatTheLxdClientNeedsForLists()
    {
        // lxc list from LXD 5.0 refuses to run, or drops rows, unless the server names these.
        var extensions = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0")).Metadata.GetProperty("api_extensions")
            .EnumerateArray().Select(e => e.GetString()!).ToList();
        foreach (string name in new[] { "api_filtering", "container_full", "instance_get_full", "instances", "etag", "patch" })
        {
            Assert.Contains(name, extensions);
        }
        Assert.Equal(extensions.Count, extensions.Distinct().Count());
    }

    [Fact]
    public async Task UnknownPathsAre404Json()
    {
        var answer = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/no-such-thing");
        Assert.Equal(404, answer.Status);
        Assert.Equal("error", answer.Body.GetProperty("type").GetString());
        Assert.Equal(404, answer.Body.GetProperty("error_code").GetInt32());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"config\": {\"user.a\": }")]
    [InlineData("[]")]
    public async Task MalformedBodiesAre400Json(string body)
    {
        var answer = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0", body);
        Assert.Equal(400, answer.Status);
        Assert.Equal("error", answer.Body.GetProperty("type").GetString());
        Assert.Equal(400, answer.Body.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task ConfigPatchPutAndEtag()
    {
        var patched = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0", "{\"config\":{\"user.api-test\":\"one\"}}");
        Assert.Equal(200, patched.Status);
        var current = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0");
        Assert.Equal("one", current.Metadata.GetProperty("config").GetProperty("user.api-test").GetString());

        var stale = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0", "{\"config\":{}}",
            new Dictionary<string, string> { ["If-Match"] = "\"0000\"" });
        Assert.Equal(412, stale.Status);

        var rejected = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0", "{\"config\":{\"user.other\":\"x\",\"core.bogus\":\"1\"}}");
        Assert.Equal(400, rejected.Status);
        var after = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0");
        Assert.False(after.Metadata.GetProperty("config").TryGetProperty("user.other", out _), "a rejected PATCH was half-applied");

        var put = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Put, "/1.0", "{\"config\":{}}",
            new Dictionary<string, string> { ["If-Match"] = after.Message.Headers.ETag!.Tag });
        Assert.Equal(200, put.Status);
        var emptied = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0");
        Assert.Empty(emptied.Metadata.GetProperty("config").EnumerateObject());
    }

    [Fact]
    public async Task OperationsListIsGroupedAndUnknownOperationsAre404()
    {
        var list = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/operations");
        Assert.Equal(200, list.Status);
        Assert.Equal(JsonValueKind.Object, list.Metadata.ValueKind);
        var missing = await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/operations/{Guid.NewGuid()}");
        Assert.Equal(404, missing.Status);
        var wait = await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/operations/{Guid.NewGuid()}/wait?timeout=1");
        Assert.Equal(404, wait.Status);
    }

    [Fact]
    public async Task EventsWebsocketDeliversLifecycleEvents()
    {
        using var socket = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(UnixHttp.Handler(Daemon.SocketPath));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new Uri("ws://unix.socket/1.0/events?type=lifecycle"), invoker, timeout.Token);

        var patched = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0", "{\"config\":{\"user.events\":\"1\"}}");
        Assert.Equal(200, patched.Status);

        var buffer = new byte[65536];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);
        using var message = JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, received.Count));
        Assert.Equal("lifecycle", message.RootElement.GetProperty("type").GetString());
        Assert.Equal("config-updated", message.RootElement.GetProperty("metadata").GetProperty("action").GetString());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task EventsRejectUnknownTypes()
    {
        var answer = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/events?type=bogus");
        Assert.Equal(400, answer.Status);
    }

    [Fact]
    public async Task TheCliShowsVersionsAndInfo()
    {
        var environment = new Dictionary<string, string> { ["INCUS_DIR"] = Daemon.Directory };
        var version = (await Command.RunAsync(Stage.Cli, ["version"], environment)).EnsureSuccess("incus version");
        Assert.Matches(@"Client version: \S+ \((LTS|feature release)\)", version.Output);
        Assert.Matches(@"Server version: \S+ \((LTS|feature release)\)", version.Output);

        var json = (await Command.RunAsync(Stage.Cli, ["info", "--format", "json"], environment)).EnsureSuccess("incus info");
        using var parsed = JsonDocument.Parse(json.Output);
        Assert.Equal("trusted", parsed.RootElement.GetProperty("auth").GetString());

        var yaml = (await Command.RunAsync(Stage.Cli, ["info"], environment)).EnsureSuccess("incus info");
        Assert.Contains("api_version: 1.0", yaml.Output);
    }

    [Fact]
    public async Task AdminInitPreseedAppliesConfigOrNothing()
    {
        var environment = new Dictionary<string, string> { ["INCUS_DIR"] = Daemon.Directory };
        (await Command.RunAsync(Stage.Cli, ["admin", "init", "--preseed"], environment, "config:\n  user.preseeded: \"yes\"\n"))
            .EnsureSuccess("admin init --preseed");
        var refused = await Command.RunAsync(Stage.Cli, ["admin", "init", "--preseed"], environment, "config:\n  user.second: \"1\"\n  core.bogus: \"1\"\n");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("core.bogus", refused.Error);
        (await Command.RunAsync(Stage.Cli, ["admin", "init", "--minimal"], environment)).EnsureSuccess("admin init --minimal");

        var config = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0")).Metadata.GetProperty("config");
        Assert.Equal("yes", config.GetProperty("user.preseeded").GetString());
        Assert.False(config.TryGetProperty("user.second", out _));
        // --minimal gives the daemon its default dir pool, and running it twice changes nothing.
        Assert.Equal("dir", (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/storage-pools/default")).Metadata.GetProperty("driver").GetString());
        var root = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default")).Metadata.GetProperty("devices").GetProperty("root");
        Assert.Equal("default", root.GetProperty("pool").GetString());
        Assert.Equal("/", root.GetProperty("path").GetString());
        // ...and, as in Incus, the incusbr0 bridge with automatic subnets and NAT, and an eth0 on it.
        var eth0 = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/profiles/default")).Metadata.GetProperty("devices").GetProperty("eth0");
        Assert.Equal("incusbr0", eth0.GetProperty("network").GetString());
        var bridge = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/networks/incusbr0")).Metadata.GetProperty("config");
        Assert.Matches(@"^10\.\d+\.\d+\.1/24$", bridge.GetProperty("ipv4.address").GetString());
        Assert.Equal("true", bridge.GetProperty("ipv4.nat").GetString());
        string before = bridge.GetRawText();
        (await Command.RunAsync(Stage.Cli, ["admin", "init", "--minimal"], environment)).EnsureSuccess("admin init --minimal again");
        Assert.Equal(before, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/networks/incusbr0")).Metadata.GetProperty("config").GetRawText());
    }
}
