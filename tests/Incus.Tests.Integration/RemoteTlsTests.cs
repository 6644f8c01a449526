using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// The remote API over real TLS on 127.0.0.1 in the daemon's namespace: trust by client certificate,
/// trust tokens, what untrusted clients may see, TLS versions, the key's mode, runtime listener
/// changes, and the real lxc client and our CLI as remotes.
/// </summary>
public sealed class RemoteTlsTests(RemoteTlsFixture fixture) : IClassFixture<RemoteTlsFixture>
{
    private const string Address = "127.0.0.1:8443";
    private RunningDaemon Daemon => fixture.Daemon;
    private NamespaceTls Tls => fixture.Tls;
    private Dictionary<string, string> CliEnvironment => new() { ["INCUS_DIR"] = Daemon.Directory };

    private async Task SetServerKeyAsync(string key, string value)
    {
        var answer = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0", JsonSerializer.Serialize(new { config = new Dictionary<string, string> { [key] = value } }));
        Assert.True(answer.Status == 200, $"setting {key}={value}: {answer.Status} {answer.Body}");
    }

    private Task ListenAsync(string address = Address) => SetServerKeyAsync("core.https_address", address);

    private async Task<string> NewTokenAsync(string name)
    {
        var result = await Command.RunAsync(Stage.Cli, ["config", "trust", "add", name], CliEnvironment);
        result.EnsureSuccess("incus config trust add");
        return result.Output.Trim().Split('\n')[^1];
    }

    private async Task<string> FingerprintAsync(NamespaceTls.ClientCertificate certificate)
    {
        var result = (await Command.RunAsync("/usr/bin/openssl", "x509", "-in", certificate.CertificatePath, "-noout", "-fingerprint", "-sha256"))
            .EnsureSuccess("openssl x509");
        return result.Output.Trim().Split('=')[1].Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
    }

    [Fact]
    public async Task UntrustedClientsSeeOnlyPublicImagesAndAReducedServer()
    {
        await ListenAsync();
        string publicImage = await BusyboxImage.PathAsync();
        // Same content, other bytes: a second image with its own fingerprint, kept private.
        string privateImage = Path.Combine(fixture.WorkDirectory, "private.tar.gz");
        (await Command.RunAsync("/bin/sh", "-c", $"gzip -dc '{publicImage}' | gzip -1 > '{privateImage}'")).EnsureSuccess("repack image");
        string publicFingerprint = await ImportAsync(publicImage);
        string privateFingerprint = await ImportAsync(privateImage);
        try
        {
            Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, $"/1.0/images/{publicFingerprint}", "{\"public\":true}")).Status);

            var server = await Tls.GetAsync(Address, "/1.0");
            Assert.Equal(200, server.Status);
            Assert.Equal("untrusted", server.Metadata.GetProperty("auth").GetString());
            Assert.False(server.Metadata.TryGetProperty("api_extensions", out _));
            Assert.False(server.Metadata.TryGetProperty("environment", out _));
            Assert.Empty(server.Metadata.GetProperty("config").EnumerateObject());
            Assert.Equal(200, (await Tls.GetAsync(Address, "/")).Status);

            var instances = await Tls.GetAsync(Address, "/1.0/instances");
            Assert.Equal(403, instances.Status);
            Assert.Equal("not authorized", instances.Error);
            Assert.Equal(403, (await Tls.GetAsync(Address, "/1.0/certificates")).Status);
            Assert.Equal(403, (await Tls.SendAsync(Address, HttpMethod.Patch, "/1.0", "{\"config\":{}}")).Status);
            Assert.Equal(403, (await Tls.SendAsync(Address, HttpMethod.Post, "/1.0/firewall/reconcile", "{}")).Status);

            var listed = await Tls.GetAsync(Address, "/1.0/images");
            Assert.Equal(200, listed.Status);
            Assert.Equal(new[] { $"/1.0/images/{publicFingerprint}" }, listed.Metadata.EnumerateArray().Select(e => e.GetString()!).ToArray());
            var recursive = await Tls.GetAsync(Address, "/1.0/images?recursion=1");
            Assert.Equal(new[] { publicFingerprint }, recursive.Metadata.EnumerateArray().Select(e => e.GetProperty("fingerprint").GetString()!).ToArray());

            Assert.Equal(200, (await Tls.GetAsync(Address, $"/1.0/images/{publicFingerprint}")).Status);
            Assert.Contains((await Tls.GetAsync(Address, $"/1.0/images/{privateFingerprint}")).Status, new[] { 403, 404 });
            Assert.Contains((await Tls.GetAsync(Address, $"/1.0/images/{privateFingerprint[..12]}")).Status, new[] { 403, 404 });
            var export = await Tls.InNamespaceAsync("/usr/bin/curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", $"https://{Address}/1.0/images/{privateFingerprint}/export"]);
            Assert.Contains(export.Output.Trim(), new[] { "403", "404" });
            Assert.Equal(400, (await Tls.GetAsync(Address, "/1.0/images?project=other")).Status);

            // The same daemon still serves everything to the local admin.
            var local = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/images");
            Assert.Equal(2, local.Metadata.GetArrayLength());
        }
        finally
        {
            await DeleteImageAsync(publicFingerprint);
            await DeleteImageAsync(privateFingerprint);
        }
    }

    private async Task<string> ImportAsync(string path)
    {
        using var client = new HttpClient(UnixHttp.Handler(Daemon.SocketPath)) { BaseAddress = new Uri("http://unix.socket") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/1.0/images") { Content = new StreamContent(File.OpenRead(path)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True((int)response.StatusCode == 202, body.ToString());
        var done = await UnixHttp.GetAsync(Daemon.SocketPath, $"{body.GetProperty("operation").GetString()}/wait?timeout=60");
        Assert.Equal(200, done.Metadata.GetProperty("status_code").GetInt32());
        return done.Metadata.GetProperty("metadata").GetProperty("fingerprint").GetString()!;
    }

    private async Task DeleteImageAsync(string fingerprint)
    {
        var deleted = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, $"/1.0/images/{fingerprint}");
        if (deleted.Status == 202)
        {
            await UnixHttp.GetAsync(Daemon.SocketPath, $"{deleted.Body.GetProperty("operation").GetString()}/wait?timeout=30");
        }
    }

    [Fact]
    public async Task TokensAddAClientOnceAndNeverAfterExpiry()
    {
        await ListenAsync();
        var client = await Tls.NewClientCertificateAsync("token-client");

        var noToken = await Tls.SendAsync(Address, HttpMethod.Post, "/1.0/certificates", "{\"type\":\"client\",\"name\":\"me\"}", client);
        Assert.Equal(403, noToken.Status);
        var badToken = await Tls.SendAsync(Address, HttpMethod.Post, "/1.0/certificates", "{\"trust_token\":\"0123456789abcdef\"}", client);
        Assert.Equal(403, badToken.Status);

        await SetServerKeyAsync("core.remote_token_expiry", "1S");
        string expired = await NewTokenAsync("late-client");
        await SetServerKeyAsync("core.remote_token_expiry", "");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(403, (await Tls.SendAsync(Address, HttpMethod.Post, "/1.0/certificates", JsonSerializer.Serialize(new { trust_token = expired }), client)).Status);
        Assert.Equal(403, (await Tls.GetAsync(Address, "/1.0/instances", client)).Status);

        string token = await NewTokenAsync("token-client");
        var added = await Tls.SendAsync(Address, HttpMethod.Post, "/1.0/certificates",
            JsonSerializer.Serialize(new { trust_token = token, name = "chosen-by-client", restricted = false }), client);
        Assert.True(added.Status == 200, added.Body.ToString());
        var instances = await Tls.GetAsync(Address, "/1.0/instances", client);
        Assert.Equal(200, instances.Status);
        var server = await Tls.GetAsync(Address, "/1.0", client);
        Assert.Equal("trusted", server.Metadata.GetProperty("auth").GetString());
        Assert.Equal("tls", server.Metadata.GetProperty("auth_user_method").GetString());

        // The name comes from the token, not from the request.
        string fingerprint = await FingerprintAsync(client);
        var stored = await UnixHttp.GetAsync(Daemon.SocketPath, $"/1.0/certificates/{fingerprint}");
        Assert.Equal("token-client", stored.Metadata.GetProperty("name").GetString());

        var other = await Tls.NewClientCertificateAsync("token-thief");
        Assert.Equal(403, (await Tls.SendAsync(Address, HttpMethod.Post, "/1.0/certificates", JsonSerializer.Serialize(new { trust_token = token }), other)).Status);
        Assert.Equal(403, (await Tls.GetAsync(Address, "/1.0/instances", other)).Status);

        Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, $"/1.0/certificates/{fingerprint}")).Status);
    }

    [Fact]
    public async Task RemovedCertificateIsRefusedOnItsOpenConnection()
    {
        await ListenAsync();
        var client = await Tls.NewClientCertificateAsync("removed-client");
        string token = await NewTokenAsync("removed-client");
        Assert.Equal(200, (await Tls.SendAsync(Address, HttpMethod.Post, "/1.0/certificates", JsonSerializer.Serialize(new { trust_token = token }), client)).Status);
        string fingerprint = await FingerprintAsync(client);

        // One TLS connection for both requests: trust must be checked per request, not per connection.
        var start = new ProcessStartInfo("/bin/ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "netns", "exec", Daemon.Namespace, "/usr/bin/openssl", "s_client", "-quiet", "-connect", Address,
                     "-cert", client.CertificatePath, "-key", client.KeyPath })
        {
            start.ArgumentList.Add(argument);
        }
        using var openssl = Process.Start(start)!;
        try
        {
            const string Request = "GET /1.0/instances HTTP/1.1\r\nHost: incus\r\n\r\n";
            await openssl.StandardInput.WriteAsync(Request);
            await openssl.StandardInput.FlushAsync();
            string first = await ReadBodyLineAsync(openssl.StandardOutput);
            Assert.Contains("\"status_code\":200", first);

            Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, $"/1.0/certificates/{fingerprint}")).Status);

            await openssl.StandardInput.WriteAsync(Request);
            await openssl.StandardInput.FlushAsync();
            string second = await ReadBodyLineAsync(openssl.StandardOutput);
            Assert.Contains("\"error_code\":403", second);
        }
        finally
        {
            openssl.Kill(entireProcessTree: true);
            await openssl.WaitForExitAsync();
        }
        Assert.Equal(403, (await Tls.GetAsync(Address, "/1.0/instances", client)).Status);
    }

    [Fact]
    public async Task RemovingACertificateEndsItsOpenEventsWebsocketAndOperationWait()
    {
        await ListenAsync();
        var client = await Tls.NewClientCertificateAsync("streaming-client");
        string token = await NewTokenAsync("streaming-client");
        Assert.Equal(200, (await Tls.SendAsync(Address, HttpMethod.Post, "/1.0/certificates", JsonSerializer.Serialize(new { trust_token = token }), client)).Status);
        string fingerprint = await FingerprintAsync(client);
        // A pending trust token is an operation that stays running: something to long-poll on.
        var pending = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Post, "/1.0/certificates", "{\"name\":\"never-used\",\"token\":true}");
        Assert.True(pending.Status == 202, pending.Body.ToString());
        string operation = pending.Body.GetProperty("operation").GetString()!;

        await using var events = OpenSslSession.Start(Daemon.Namespace, Address, client);
        await using var wait = OpenSslSession.Start(Daemon.Namespace, Address, client);
        try
        {
            await events.WriteAsync("GET /1.0/events?type=lifecycle HTTP/1.1\r\nHost: incus\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            await events.WaitForAsync("101 Switching Protocols", TimeSpan.FromSeconds(30));
            // The websocket really streams to this client while it is trusted.
            await ListenAsync();
            await events.WaitForAsync("config-updated", TimeSpan.FromSeconds(30));

            await wait.WriteAsync($"GET {operation}/wait?timeout=120 HTTP/1.1\r\nHost: incus\r\n\r\n");
            // Time for the wait to pass its trust check. Were it checked only after the removal, it
            // would be answered 403 on a connection that stays open, and the close below would time out.
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(wait.HasExited, "the operation wait ended before the certificate was removed");
            Assert.Equal("", wait.Received);

            Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, $"/1.0/certificates/{fingerprint}")).Status);

            Assert.True(await events.ClosesWithinAsync(TimeSpan.FromSeconds(5)), "the events websocket stayed open after its certificate was removed");
            Assert.True(await wait.ClosesWithinAsync(TimeSpan.FromSeconds(5)), $"the operation wait stayed open after its certificate was removed: {wait.Received}");
            // Ended by the server, not answered: the wait gave the client nothing.
            Assert.DoesNotContain("HTTP/1.1", wait.Received);
        }
        finally
        {
            await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, operation);
        }
        Assert.Equal(403, (await Tls.GetAsync(Address, "/1.0/instances", client)).Status);
        Assert.Equal(403, (await Tls.GetAsync(Address, "/1.0/events", client)).Status);
        // An aborted wait is a client gone, not a server error.
        Assert.DoesNotContain($"{operation}/wait failed", Daemon.RecentLog);
        // Local clients are never cut off by a TLS trust change.
        Assert.Equal(200, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances")).Status);
    }

    /// <summary>Reads an HTTP response off a raw stream up to its JSON body (the envelope is one line).</summary>
    private static async Task<string> ReadBodyLineAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            string? line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the server closed the connection");
            if (line.StartsWith('{'))
            {
                return line;
            }
        }
    }

    [Fact]
    public async Task SelfSignedStrangersAreUntrustedAndPlaintextFails()
    {
        await ListenAsync();
        var stranger = await Tls.NewClientCertificateAsync("stranger");
        var server = await Tls.GetAsync(Address, "/1.0", stranger);
        Assert.Equal("untrusted", server.Metadata.GetProperty("auth").GetString());
        Assert.Equal(403, (await Tls.GetAsync(Address, "/1.0/instances", stranger)).Status);
        Assert.Equal(403, (await Tls.GetAsync(Address, "/1.0/networks", stranger)).Status);

        var plaintext = await Tls.InNamespaceAsync("/usr/bin/curl", ["-sS", "--max-time", "10", $"http://{Address}/1.0"]);
        Assert.NotEqual(0, plaintext.ExitCode);
        Assert.DoesNotContain("\"type\":\"sync\"", plaintext.Output);
    }

    [Fact]
    public async Task OnlyTls12AndLaterAreAccepted()
    {
        await ListenAsync();
        // SECLEVEL=0 lets this client really offer TLS 1.1, so the refusal is the server's.
        var old = await Tls.InNamespaceAsync("/usr/bin/openssl", ["s_client", "-connect", Address, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"], input: "");
        Assert.NotEqual(0, old.ExitCode);
        Assert.Contains("no peer certificate available", old.Output);

        var current = await Tls.InNamespaceAsync("/usr/bin/openssl", ["s_client", "-connect", Address, "-tls1_2"], input: "");
        Assert.Contains("Protocol  : TLSv1.2", current.Output);
        Assert.Contains("ECDHE", current.Output);

        var cbc = await Tls.InNamespaceAsync("/usr/bin/openssl", ["s_client", "-connect", Address, "-tls1_2", "-cipher", "AES128-SHA"], input: "");
        Assert.NotEqual(0, cbc.ExitCode);
    }

    [Fact]
    public void ServerKeyIsReadableByTheCoreOnly()
    {
        string key = Path.Combine(Daemon.Directory, "server.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        var owner = Incus.Platform.UnixAccounts.FindUser("incus")!;
        Assert.Equal(owner.Value.Uid, FileOwner(key));
        Assert.Equal(0u, FileOwner(Path.Combine(Daemon.Directory, "server.crt")));
    }

    private static uint FileOwner(string path)
    {
        var result = Command.RunAsync("/usr/bin/stat", "-c", "%u", path).GetAwaiter().GetResult().EnsureSuccess("stat");
        return uint.Parse(result.Output.Trim());
    }

    [Fact]
    public async Task ListenerIsSetMovedAndUnsetWithoutRestart()
    {
        int corePid = Daemon.CorePid;
        await ListenAsync();
        Assert.Equal(200, (await Tls.GetAsync(Address, "/1.0")).Status);

        await ListenAsync("127.0.0.1:9443");
        Assert.Equal(200, (await Tls.GetAsync("127.0.0.1:9443", "/1.0")).Status);
        await Assert.ThrowsAsync<HttpRequestException>(() => Tls.GetAsync(Address, "/1.0"));
        var info = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0");
        Assert.Equal(new[] { "127.0.0.1:9443" }, info.Metadata.GetProperty("environment").GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Equal(64, info.Metadata.GetProperty("environment").GetProperty("certificate_fingerprint").GetString()!.Length);

        var invalid = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0", "{\"config\":{\"core.https_address\":\"incus.example:8443\"}}");
        Assert.Equal(400, invalid.Status);
        Assert.Equal(200, (await Tls.GetAsync("127.0.0.1:9443", "/1.0")).Status);

        // An address the namespace does not have cannot be bound: refused, and the old listener stays.
        var unbindable = await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Patch, "/1.0", "{\"config\":{\"core.https_address\":\"192.0.2.1:8443\"}}");
        Assert.Equal(400, unbindable.Status);
        Assert.Equal("127.0.0.1:9443", (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0")).Metadata.GetProperty("config").GetProperty("core.https_address").GetString());
        Assert.Equal(200, (await Tls.GetAsync("127.0.0.1:9443", "/1.0")).Status);

        await SetServerKeyAsync("core.https_address", "");
        await Assert.ThrowsAsync<HttpRequestException>(() => Tls.GetAsync("127.0.0.1:9443", "/1.0"));
        Assert.Equal(200, (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/instances")).Status);
        Assert.Equal(corePid, Daemon.CorePid);
        await ListenAsync();
    }

    [Fact]
    public async Task WildcardAddressIsAcceptedWithAWarning()
    {
        var set = await Command.RunAsync(Stage.Cli, ["config", "set", "core.https_address", ":8443"], CliEnvironment);
        set.EnsureSuccess("incus config set core.https_address :8443");
        Assert.Contains("WARNING", set.Error);
        Assert.Contains("single address", set.Error);
        Assert.Equal(200, (await Tls.GetAsync(Address, "/1.0")).Status);
        await WaitForLogAsync("single address is recommended");

        var single = await Command.RunAsync(Stage.Cli, ["config", "set", "core.https_address", Address], CliEnvironment);
        single.EnsureSuccess("incus config set core.https_address");
        Assert.DoesNotContain("WARNING", single.Error);
    }

    private async Task WaitForLogAsync(string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Daemon.RecentLog.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the daemon log never said \"{text}\":\n{Daemon.RecentLog}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task RealLxcClientAddsTheRemoteWithAToken()
    {
        await ListenAsync();
        string configDirectory = Directory.CreateTempSubdirectory("incus-it-lxc-remote-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["LXD_CONF"] = configDirectory };
            string token = await NewTokenAsync("lxc-client");
            var add = await Tls.InNamespaceAsync("/usr/bin/lxc", ["remote", "add", "ours", token], environment);
            Assert.True(add.ExitCode == 0, $"lxc remote add failed: {add.Error}{add.Output}");

            var list = await Tls.InNamespaceAsync("/usr/bin/lxc", ["list", "ours:", "--format", "csv"], environment);
            Assert.True(list.ExitCode == 0, $"lxc list ours: failed: {list.Error}");
            var info = await Tls.InNamespaceAsync("/usr/bin/lxc", ["info", "ours:"], environment);
            Assert.True(info.ExitCode == 0, $"lxc info ours: failed: {info.Error}");
            Assert.Contains("auth: trusted", info.Output);

            // The token was used up: a second client cannot use it.
            string otherDirectory = Path.Combine(configDirectory, "other");
            var again = await Tls.InNamespaceAsync("/usr/bin/lxc", ["remote", "add", "ours", token], new Dictionary<string, string> { ["LXD_CONF"] = otherDirectory });
            Assert.NotEqual(0, again.ExitCode);

            var trusted = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/certificates?recursion=1");
            var entry = trusted.Metadata.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "lxc-client");
            Assert.Equal(200, (await UnixHttp.SendAsync(Daemon.SocketPath, HttpMethod.Delete, $"/1.0/certificates/{entry.GetProperty("fingerprint").GetString()}")).Status);
            var refused = await Tls.InNamespaceAsync("/usr/bin/lxc", ["list", "ours:"], environment);
            Assert.NotEqual(0, refused.ExitCode);
        }
        finally
        {
            Directory.Delete(configDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task OurCliAddsSwitchesListsAndRemovesARemote()
    {
        await ListenAsync();
        string configDirectory = Directory.CreateTempSubdirectory("incus-it-cli-remote-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["INCUS_CONF"] = configDirectory, ["INCUS_DIR"] = Daemon.Directory };
            string token = await NewTokenAsync("cli-client");
            var add = await Tls.InNamespaceAsync(Stage.Cli, ["remote", "add", "ours", token], environment);
            Assert.True(add.ExitCode == 0, $"incus remote add failed: {add.Error}{add.Output}");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(configDirectory, "client.key")));
            Assert.True(File.Exists(Path.Combine(configDirectory, "servercerts", "ours.crt")));

            var list = await Tls.InNamespaceAsync(Stage.Cli, ["list", "ours:", "--format", "json"], environment);
            Assert.True(list.ExitCode == 0, $"incus list ours: failed: {list.Error}");
            Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(list.Output).RootElement.ValueKind);

            (await Tls.InNamespaceAsync(Stage.Cli, ["remote", "switch", "ours"], environment)).EnsureSuccess("incus remote switch");
            var remotes = await Tls.InNamespaceAsync(Stage.Cli, ["remote", "list"], environment);
            Assert.Contains("ours (current)", remotes.Output);
            var info = await Tls.InNamespaceAsync(Stage.Cli, ["info"], environment);
            Assert.Contains("auth_user_method: tls", info.Output);
            Assert.NotEqual(0, (await Tls.InNamespaceAsync(Stage.Cli, ["remote", "remove", "ours"], environment)).ExitCode);

            var trust = await Command.RunAsync(Stage.Cli, ["config", "trust", "list"], CliEnvironment);
            Assert.Contains("cli-client", trust.Output);
            var entry = (await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0/certificates?recursion=1")).Metadata.EnumerateArray()
                .Single(c => c.GetProperty("name").GetString() == "cli-client");
            (await Command.RunAsync(Stage.Cli, ["config", "trust", "remove", entry.GetProperty("fingerprint").GetString()![..16]], CliEnvironment))
                .EnsureSuccess("incus config trust remove");
            var refused = await Tls.InNamespaceAsync(Stage.Cli, ["list"], environment);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("not authorized", refused.Error);

            (await Tls.InNamespaceAsync(Stage.Cli, ["remote", "switch", "local"], environment)).EnsureSuccess("incus remote switch local");
            (await Tls.InNamespaceAsync(Stage.Cli, ["remote", "remove", "ours"], environment)).EnsureSuccess("incus remote remove");
            Assert.DoesNotContain("ours", (await Tls.InNamespaceAsync(Stage.Cli, ["remote", "list"], environment)).Output);
        }
        finally
        {
            Directory.Delete(configDirectory, recursive: true);
        }
    }
}
