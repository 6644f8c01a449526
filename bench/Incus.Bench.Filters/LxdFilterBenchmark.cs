using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Incus.Bench.Filters;

/// <summary>
/// The same apply/remove measurement on LXD, through its REST API over the Unix socket: running
/// containers on a managed bridge made for the run, the filters of all but the probe container
/// switched on, then the probe's NIC device PATCHed with <c>security.mac_filtering</c>,
/// <c>security.ipv4_filtering</c> and <c>security.ipv6_filtering</c> on and off again, each timed
/// until the API reports the change done. Containers and bridge are deleted at the end.
/// </summary>
public sealed class LxdFilterBenchmark(string socketPath, string imageAlias, int rounds) : IAsyncDisposable
{
    private const string Device = "eth0";
    private readonly string _run = Guid.NewGuid().ToString("N")[..6];
    private readonly List<string> _containers = new();
    private readonly HttpClient _http = CreateClient(socketPath);
    private string? _network;

    public async Task RunAsync(IReadOnlyList<int> populations, FilterBenchReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(populations);
        ArgumentNullException.ThrowIfNull(report);
        JsonNode server = await RequestAsync(HttpMethod.Get, "/1.0", null, cancellationToken).ConfigureAwait(false);
        string version = server["environment"]?["server_version"]?.GetValue<string>() ?? "?";
        string firewall = server["environment"]?["firewall"]?.GetValue<string>() ?? "?";
        await RequestAsync(HttpMethod.Get, "/1.0/images/aliases/" + imageAlias, null, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"LXD {version} (firewall {firewall}) at {socketPath}: NIC filter PATCH on/off until the API says done, image {imageAlias}");
        // Documentation ranges, and a bridge name of this run's own, so that another bench's LXD bridge is not touched.
        string network = "fbench" + _run;
        await RequestAsync(HttpMethod.Post, "/1.0/networks", new JsonObject
        {
            ["name"] = network,
            ["type"] = "bridge",
            ["config"] = new JsonObject
            {
                ["ipv4.address"] = "203.0.113.1/24",
                ["ipv4.nat"] = "false",
                ["ipv6.address"] = "2001:db8:fb1::1/64",
                ["ipv6.nat"] = "false",
                // LXD accepts a static ipv6.address on a NIC only with stateful DHCPv6.
                ["ipv6.dhcp.stateful"] = "true",
            },
        }, cancellationToken).ConfigureAwait(false);
        _network = network;
        int filtered = 0;
        foreach (int population in populations.Distinct().Order())
        {
            while (filtered < population)
            {
                string name = await LaunchAsync(cancellationToken).ConfigureAwait(false);
                await SetFiltersAsync(name, on: true, cancellationToken).ConfigureAwait(false);
                filtered++;
            }
            string probe = await LaunchAsync(cancellationToken).ConfigureAwait(false);
            var applies = new List<double>();
            var removes = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                await SetFiltersAsync(probe, on: true, cancellationToken).ConfigureAwait(false);
                applies.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                await SetFiltersAsync(probe, on: false, cancellationToken).ConfigureAwait(false);
                removes.Add(clock.Elapsed.TotalMilliseconds);
            }
            // The probe stays, unfiltered, as the bench's own probe NICs do.
            var timing = new FilterTiming("lxd", population, SampleStatistics.Median(applies), SampleStatistics.Median(removes));
            report.Lxd.Add(timing);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"lxd",-9} {population,5} filtered containers: apply {timing.ApplyMs,8:F1} ms  remove {timing.RemoveMs,8:F1} ms"));
        }
    }

    /// <summary>Creates and starts one container with a NIC on the run's bridge and fixed addresses for the filters to allow.</summary>
    private async Task<string> LaunchAsync(CancellationToken cancellationToken)
    {
        int n = _containers.Count + 10;
        string name = string.Create(CultureInfo.InvariantCulture, $"fbench-{_run}-{n}");
        await RequestAsync(HttpMethod.Post, "/1.0/instances", new JsonObject
        {
            ["name"] = name,
            ["type"] = "container",
            ["source"] = new JsonObject { ["type"] = "image", ["alias"] = imageAlias },
            ["profiles"] = new JsonArray("default"),
            ["devices"] = new JsonObject { [Device] = Nic(n, on: false) },
        }, cancellationToken).ConfigureAwait(false);
        _containers.Add(name);
        // LXD 5.0 ignores a "start" in the create request; and on a stopped container a filter change
        // is only a database write, which would flatter LXD.
        await RequestAsync(HttpMethod.Put, $"/1.0/instances/{name}/state", new JsonObject { ["action"] = "start" }, cancellationToken).ConfigureAwait(false);
        if (!await IsRunningAsync(name, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"LXD's container {name} is not running after its start");
        }
        return name;
    }

    private async Task<bool> IsRunningAsync(string name, CancellationToken cancellationToken)
    {
        JsonNode state = await RequestAsync(HttpMethod.Get, $"/1.0/instances/{name}/state", null, cancellationToken).ConfigureAwait(false);
        return state["status"]?.GetValue<string>() == "Running";
    }

    /// <summary>One PATCH of the NIC device, which LXD applies to the running container's firewall at once.</summary>
    private Task SetFiltersAsync(string name, bool on, CancellationToken cancellationToken)
    {
        int n = int.Parse(name[(name.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
        return RequestAsync(HttpMethod.Patch, "/1.0/instances/" + name, new JsonObject { ["devices"] = new JsonObject { [Device] = Nic(n, on) } }, cancellationToken);
    }

    private JsonObject Nic(int n, bool on)
    {
        var nic = new JsonObject
        {
            ["type"] = "nic",
            ["name"] = Device,
            ["network"] = _network,
            ["ipv4.address"] = string.Create(CultureInfo.InvariantCulture, $"203.0.113.{n}"),
            ["ipv6.address"] = string.Create(CultureInfo.InvariantCulture, $"2001:db8:fb1::{n:x}"),
        };
        if (on)
        {
            nic["security.mac_filtering"] = "true";
            nic["security.ipv4_filtering"] = "true";
            nic["security.ipv6_filtering"] = "true";
        }
        return nic;
    }

    /// <summary>
    /// Sends one request and returns its metadata; for an asynchronous answer, waits for the operation
    /// and fails when it did not succeed, so that a timing covers the whole change.
    /// </summary>
    private async Task<JsonNode> RequestAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }
        using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode answer = JsonNode.Parse(text) ?? throw new InvalidOperationException($"LXD answered {method} {path} with no JSON");
        if (answer["type"]?.GetValue<string>() == "error")
        {
            throw new InvalidOperationException($"LXD refused {method} {path}: {answer["error"]?.GetValue<string>()}");
        }
        if (answer["type"]?.GetValue<string>() == "async")
        {
            string operation = answer["operation"]?.GetValue<string>() ?? throw new InvalidOperationException("an async answer without an operation");
            JsonNode done = await RequestAsync(HttpMethod.Get, operation + "/wait?timeout=120", null, cancellationToken).ConfigureAwait(false);
            if (done["status_code"]?.GetValue<int>() != 200)
            {
                throw new InvalidOperationException($"LXD's operation for {method} {path} ended {done["status"]}: {done["err"]}");
            }
            return done;
        }
        return answer["metadata"] ?? new JsonObject();
    }

    private static HttpClient CreateClient(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://lxd"), Timeout = TimeSpan.FromMinutes(3) };
    }

    /// <summary>Deletes the run's containers (stopping them first) and its bridge; reports but survives a failure of one.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (string name in _containers)
        {
            try
            {
                if (await IsRunningAsync(name, CancellationToken.None).ConfigureAwait(false))
                {
                    await RequestAsync(HttpMethod.Put, $"/1.0/instances/{name}/state", new JsonObject { ["action"] = "stop", ["force"] = true, ["timeout"] = 30 }, CancellationToken.None)
                        .ConfigureAwait(false);
                }
                await RequestAsync(HttpMethod.Delete, "/1.0/instances/" + name, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or JsonException)
            {
                Console.WriteLine($"LXD: could not delete container {name}: {ex.Message}");
            }
        }
        _containers.Clear();
        if (_network is { } network)
        {
            _network = null;
            try
            {
                await RequestAsync(HttpMethod.Delete, "/1.0/networks/" + network, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or JsonException)
            {
                Console.WriteLine($"LXD: could not delete network {network}: {ex.Message}");
            }
        }
        _http.Dispose();
    }
}
