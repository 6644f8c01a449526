using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// The helpers treat the core as hostile: generated bad requests sent straight to each helper are all
/// refused, the helper stays alive and still does its job, and callers other than the core are turned away.
/// </summary>
public sealed class HelperAbuseTests
{
    private const int RequestsPerHelper = 1000;

    private static async Task<int> SendAllAndCountRefusals(StandaloneHelper helper, List<HostileRequest> requests)
    {
        using var client = await helper.ConnectAsync();
        int refused = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            string line = HelperLineClient.Request(i + 1, request.Method, request.Parameters);
            var answer = await client.ExchangeAsync(line);
            Assert.True(answer.HasValue, $"the {helper.Name} helper closed the connection on request {i}: {line}");
            var response = answer!.Value;
            Assert.True(response.TryGetProperty("error", out var error),
                $"the {helper.Name} helper accepted hostile request {i}: {line} -> {response}");
            Assert.Equal(i + 1, response.GetProperty("id").GetInt32());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
            if (request.ReachesValidation)
            {
                // Shaped correctly, so the refusal must be the helper's own check, not a crash or the dispatcher.
                string? type = error.TryGetProperty("data", out var data) && data.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? data.GetProperty("type").GetString() : null;
                Assert.True(type == "Incus.Helpers.HelperRequestException", $"request {i} was refused by {type}, not by validation: {line} -> {error}");
            }
            refused++;
            Assert.False(helper.Process.HasExited, $"the {helper.Name} helper died on request {i}: {line}");
        }
        return refused;
    }

    [Fact]
    public async Task TheNetHelperRefusesAThousandHostileRequestsAndKeepsWorking()
    {
        await using var helper = await StandaloneHelper.StartAsync("net");
        const string Owned = "itbr1";
        using (var setup = await helper.ConnectAsync())
        {
            var owned = await setup.ExchangeAsync(HelperLineClient.Call(1, "CreateBridgeAsync", new Dictionary<string, object?> { ["name"] = Owned }));
            Assert.False(owned!.Value.TryGetProperty("error", out var setupError), setupError.ToString());
        }
        string sysctlsBefore = await SysctlsOf(helper, Owned);
        var requests = HostileRequests.ForNetHelper(RequestsPerHelper, Owned);
        Assert.True(requests.Count >= RequestsPerHelper);
        Assert.True(requests.Count(r => r.ReachesValidation) > requests.Count / 2);

        Assert.Equal(requests.Count, await SendAllAndCountRefusals(helper, requests));

        // Nothing was half-applied: loopback and the owned bridge only, no addresses, sysctls as they were.
        var links = (await Command.RunAsync("/bin/ip", "-netns", helper.Namespace, "-o", "link", "show")).EnsureSuccess("ip link");
        Assert.Equal(2, links.Output.Trim().Split('\n').Length);
        var addresses = (await Command.RunAsync("/bin/ip", "-netns", helper.Namespace, "-o", "address", "show", "dev", Owned, "scope", "global"))
            .EnsureSuccess("ip address");
        Assert.Equal("", addresses.Output.Trim());
        Assert.Equal(sysctlsBefore, await SysctlsOf(helper, Owned));

        // And the helper still does its job for a valid request.
        using var client = await helper.ConnectAsync();
        var created = await client.ExchangeAsync(HelperLineClient.Call(1, "CreateBridgeAsync",
            new Dictionary<string, object?> { ["name"] = "itbr0", ["mtu"] = 1500, ["hwAddr"] = "00:16:3e:00:00:01" }));
        Assert.False(created!.Value.TryGetProperty("error", out var createError), createError.ToString());
        var shown = (await Command.RunAsync("/bin/ip", "-netns", helper.Namespace, "link", "show", "itbr0")).EnsureSuccess("ip link show");
        Assert.Contains("00:16:3e:00:00:01", shown.Output);
        var sysctl = await client.ExchangeAsync(HelperLineClient.Call(2, "SetInterfaceSysctlAsync",
            new Dictionary<string, object?> { ["interface"] = "itbr0", ["family"] = "ipv6", ["key"] = "accept_ra", ["value"] = "0" }));
        Assert.False(sysctl!.Value.TryGetProperty("error", out var sysctlError), sysctlError.ToString());
        var deleted = await client.ExchangeAsync(HelperLineClient.Call(3, "DeleteLinkAsync", new Dictionary<string, object?> { ["name"] = "itbr0" }));
        Assert.False(deleted!.Value.TryGetProperty("error", out var deleteError), deleteError.ToString());

        string audit = await File.ReadAllTextAsync(helper.AuditLog);
        Assert.Contains("\"outcome\":\"refused\"", audit);
        Assert.Contains("\"operation\":\"CreateBridge\"", audit);
        Assert.Contains("\"outcome\":\"succeeded\"", audit);
    }

    [Fact]
    public async Task TheNetHelperJoinsABridgeItDidNotCreateOnlyAsAPortAndChangesNothingOnIt()
    {
        await using var helper = await StandaloneHelper.StartAsync("net");
        const string Foreign = "xbr0";
        async Task Host(params string[] command) =>
            (await Command.RunAsync("/bin/ip", ["netns", "exec", helper.Namespace, .. command])).EnsureSuccess(string.Join(' ', command));
        await Host("/bin/ip", "link", "add", Foreign, "address", "02:00:00:00:53:09", "type", "bridge");
        // Set afterwards, as an administrator changes it: only then does the kernel keep it when the last port leaves.
        await Host("/bin/ip", "link", "set", Foreign, "mtu", "1400");
        await Host("/bin/ip", "address", "add", "192.0.2.1/24", "dev", Foreign);
        await Host("/bin/ip", "link", "set", Foreign, "up");
        await Host("/bin/ip", "link", "add", "xva", "type", "veth", "peer", "name", "xvb");
        string bridgeBefore = await ForeignBridgeStateAsync(helper, Foreign);
        string linksBefore = await LinksAsync(helper);

        using var client = await helper.ConnectAsync();
        int id = 0;
        async Task<string> Refusal(string method, Dictionary<string, object?> argument)
        {
            var answer = (await client.ExchangeAsync(HelperLineClient.Call(++id, method, argument)))!.Value;
            Assert.True(answer.TryGetProperty("error", out var error), $"{method} {JsonSerializer.Serialize(argument)} was accepted");
            Assert.Equal("Incus.Helpers.HelperRequestException", error.GetProperty("data").GetProperty("type").GetString());
            return error.GetProperty("message").GetString()!;
        }
        // Only a bridge may be joined: not loopback, not someone's veth, not a name that is not there.
        Assert.Contains("not a bridge", await Refusal("CreateVethPairAsync", HostileRequests.VethPair("lo")));
        Assert.Contains("not a bridge", await Refusal("CreateVethPairAsync", HostileRequests.VethPair("xva")));
        Assert.Contains("does not exist", await Refusal("CreateVethPairAsync", HostileRequests.VethPair("nosuch0")));
        await Refusal("CreateVethPairAsync", HostileRequests.VethPair(Foreign + "\nlink delete " + Foreign));
        await Refusal("CreateVethPairAsync", HostileRequests.VethPair("../" + Foreign));
        // Joining is all: the bridge itself stays out of reach.
        Assert.Contains("not created by this daemon", await Refusal("DeleteLinkAsync", new() { ["name"] = Foreign }));
        await Refusal("SetLinkStateAsync", new() { ["name"] = Foreign, ["up"] = false, ["mtu"] = 1500 });
        await Refusal("SetLinkAddressesAsync", new() { ["name"] = Foreign, ["addresses"] = Array.Empty<string>() });
        await Refusal("SetInterfaceSysctlAsync", new() { ["interface"] = Foreign, ["family"] = "ipv4", ["key"] = "forwarding", ["value"] = "1" });
        await Refusal("CreateBridgeAsync", new() { ["name"] = Foreign });
        await Refusal("DeleteLinkAsync", new() { ["name"] = "xva" });
        Assert.Equal(linksBefore, await LinksAsync(helper));
        Assert.Equal(bridgeBefore, await ForeignBridgeStateAsync(helper, Foreign));

        var joined = (await client.ExchangeAsync(HelperLineClient.Call(++id, "CreateVethPairAsync", HostileRequests.VethPair(Foreign))))!.Value;
        Assert.False(joined.TryGetProperty("error", out var joinError), joinError.ToString());
        await Host("/usr/bin/test", "-e", $"/sys/class/net/{Foreign}/brif/itv0");
        Assert.Equal("1400", (await Command.RunAsync("/bin/ip", "netns", "exec", helper.Namespace, "/bin/cat", "/sys/class/net/itv0/mtu")).Output.Trim());
        Assert.Equal(bridgeBefore, await ForeignBridgeStateAsync(helper, Foreign));

        var removed = (await client.ExchangeAsync(HelperLineClient.Call(++id, "DeleteLinkAsync", new Dictionary<string, object?> { ["name"] = "itv0" })))!.Value;
        Assert.False(removed.TryGetProperty("error", out var removeError), removeError.ToString());
        Assert.Equal(linksBefore, await LinksAsync(helper));
        Assert.Equal(bridgeBefore, await ForeignBridgeStateAsync(helper, Foreign));
    }

    private static async Task<string> ForeignBridgeStateAsync(StandaloneHelper helper, string bridge)
    {
        var values = await Command.RunAsync("/bin/ip", ["netns", "exec", helper.Namespace, "/usr/bin/head",
            $"/sys/class/net/{bridge}/address", $"/sys/class/net/{bridge}/mtu", $"/sys/class/net/{bridge}/flags",
            $"/proc/sys/net/ipv4/conf/{bridge}/forwarding", $"/proc/sys/net/ipv6/conf/{bridge}/disable_ipv6", $"/proc/sys/net/ipv6/conf/{bridge}/accept_ra"]);
        var addresses = await Command.RunAsync("/bin/ip", "-netns", helper.Namespace, "-o", "address", "show", "dev", bridge);
        return values.EnsureSuccess("bridge settings").Output + addresses.EnsureSuccess("bridge addresses").Output;
    }

    private static async Task<string> LinksAsync(StandaloneHelper helper) =>
        (await Command.RunAsync("/bin/ip", "-netns", helper.Namespace, "-o", "link", "show")).EnsureSuccess("ip link").Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[1].Trim()).Order(StringComparer.Ordinal).Aggregate("", (all, name) => all + name + " ");

    [Fact]
    public async Task TheHostHelperRefusesAThousandHostileRequestsAndKeepsWorking()
    {
        await using var helper = await StandaloneHelper.StartAsync("host");
        var requests = HostileRequests.ForHostHelper(RequestsPerHelper);
        Assert.True(requests.Count >= RequestsPerHelper);
        Assert.Equal(requests.Count, await SendAllAndCountRefusals(helper, requests));

        using var client = await helper.ConnectAsync();
        var applied = await client.ExchangeAsync(HelperLineClient.Call(1, "ApplyHostHardeningAsync", null));
        Assert.True(applied!.Value.TryGetProperty("result", out var result), applied.Value.ToString());
        Assert.Equal(3, result.GetProperty("paths").GetArrayLength());
    }

    private static async Task<string> SysctlsOf(StandaloneHelper helper, string link)
    {
        var values = await Command.RunAsync("/bin/ip", ["netns", "exec", helper.Namespace, "/bin/cat",
            $"/proc/sys/net/ipv4/conf/{link}/forwarding", $"/proc/sys/net/ipv6/conf/{link}/disable_ipv6", $"/proc/sys/net/ipv6/conf/{link}/accept_ra"]);
        return values.EnsureSuccess("read sysctls").Output;
    }

    [Fact]
    public async Task TheInstanceHelperRefusesAThousandHostileRequestsAndKeepsWorking()
    {
        await using var helper = await StandaloneHelper.StartAsync("instance");
        var requests = HostileRequests.ForInstanceHelper(RequestsPerHelper);
        Assert.True(requests.Count >= RequestsPerHelper);
        Assert.Equal(requests.Count, await SendAllAndCountRefusals(helper, requests));

        // Nothing was created anywhere: not under the storage root, not beside it.
        string storage = Path.Combine(helper.Directory, "storage-pools");
        Assert.Empty(Directory.Exists(storage) ? Directory.GetFileSystemEntries(storage) : []);
        Assert.Equal(["instance-helper.socket", "logs", "storage-pools"], Directory.GetFileSystemEntries(helper.Directory).Select(p => Path.GetFileName(p)!).Order().ToArray());

        using var client = await helper.ConnectAsync();
        var created = await client.ExchangeAsync(HelperLineClient.Call(1, "CreateDirPoolAsync", new Dictionary<string, object?> { ["name"] = "good" }));
        Assert.False(created!.Value.TryGetProperty("error", out var error), error.ToString());
        Assert.True(Directory.Exists(Path.Combine(storage, "good", "containers")));
        var deleted = await client.ExchangeAsync(HelperLineClient.Call(2, "DeleteDirPoolAsync", new Dictionary<string, object?> { ["name"] = "good" }));
        Assert.False(deleted!.Value.TryGetProperty("error", out var deleteError), deleteError.ToString());
        Assert.False(Directory.Exists(Path.Combine(storage, "good")));
    }

    [Fact]
    public async Task TheInstanceHelperDoesNotFollowSymlinkedPools()
    {
        await using var helper = await StandaloneHelper.StartAsync("instance");
        string target = Directory.CreateTempSubdirectory("incus-it-victim-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(target, "containers"));
            Directory.CreateDirectory(Path.Combine(target, "images"));
            string storage = Directory.CreateDirectory(Path.Combine(helper.Directory, "storage-pools")).FullName;
            File.CreateSymbolicLink(Path.Combine(storage, "victim"), target);

            using var client = await helper.ConnectAsync();
            var delete = await client.ExchangeAsync(HelperLineClient.Call(1, "DeleteDirPoolAsync", new Dictionary<string, object?> { ["name"] = "victim" }));
            Assert.Contains("symlink", delete!.Value.GetProperty("error").GetProperty("message").GetString());
            var create = await client.ExchangeAsync(HelperLineClient.Call(2, "CreateDirPoolAsync", new Dictionary<string, object?> { ["name"] = "victim" }));
            Assert.True(create!.Value.TryGetProperty("error", out _));
            Assert.True(Directory.Exists(Path.Combine(target, "containers")));
            Assert.True(Directory.Exists(Path.Combine(target, "images")));
            var listed = await client.ExchangeAsync(HelperLineClient.Call(3, "ListDirPoolsAsync", null));
            Assert.Equal(0, listed!.Value.GetProperty("result").GetArrayLength());
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Theory]
    [InlineData("net")]
    [InlineData("host")]
    [InlineData("instance")]
    public async Task OversizeAndMalformedMessagesEndOnlyThatConnection(string name)
    {
        await using var helper = await StandaloneHelper.StartAsync(name);
        using (var client = await helper.ConnectAsync())
        {
            // Past the helpers' 1 MiB limit on one request.
            var answer = await client.ExchangeAsync(new string('x', 1_200_000));
            Assert.False(answer.HasValue && !answer.Value.TryGetProperty("error", out _), "an oversize message was accepted");
        }
        using (var client = await helper.ConnectAsync())
        {
            var answer = await client.ExchangeAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
            Assert.False(answer.HasValue && !answer.Value.TryGetProperty("error", out _), "a truncated message was accepted");
        }
        Assert.False(helper.Process.HasExited);
        using var healthy = await helper.ConnectAsync();
        var unknown = await healthy.ExchangeAsync(HelperLineClient.Request(7, "NoSuchMethod", null));
        Assert.Equal(7, unknown!.Value.GetProperty("id").GetInt32());
        Assert.True(unknown.Value.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task ACallerOtherThanTheAnnouncedProcessIsRefused()
    {
        await using var helper = await StandaloneHelper.StartAsync("net");
        // Loosen the socket as an admin might; the helper's own check must still hold.
        File.SetUnixFileMode(helper.Directory, (UnixFileMode)0b111_001_001);
        File.SetUnixFileMode(helper.SocketPath, (UnixFileMode)0b110_110_110);
        await TestUsers.EnsureAsync();
        // The helper may write its refusal and close before the request is sent; the refusal is still
        // in the receive buffer then, so a failed send is not the end of the exchange.
        string script = "import socket,sys\n" +
                        "s=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1])\n" +
                        "try:\n s.sendall(b'{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"DeleteLinkAsync\",\"params\":[{\"name\":\"lo\"}]}\\n')\n" +
                        "except (BrokenPipeError, ConnectionResetError):\n pass\n" +
                        "print(s.makefile().readline().strip())\n";

        var otherUid = await Command.RunAsUserAsync(TestUsers.Outsider, "/usr/bin/python3", ["-c", script, helper.SocketPath]);
        Assert.Equal(0, otherUid.ExitCode);
        Assert.Contains("not authorized", otherUid.Output);
        Assert.Contains("uid", otherUid.Output);

        var otherRootProcess = await Command.RunAsync("/usr/bin/python3", "-c", script, helper.SocketPath);
        Assert.Equal(0, otherRootProcess.ExitCode);
        Assert.Contains("not authorized", otherRootProcess.Output);
        Assert.Contains("not the daemon core", otherRootProcess.Output);

        Assert.False(helper.Process.HasExited);
        string audit = await File.ReadAllTextAsync(helper.AuditLog);
        Assert.Contains("\"operation\":\"connect\"", audit);
    }
}
