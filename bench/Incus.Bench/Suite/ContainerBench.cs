using System.Diagnostics;

namespace Incus.Bench.Suite;

/// <summary>
/// Container chores and timings through the REST API, the same requests for both daemons: create, start,
/// forced stop, delete, and the wall time of the real <c>lxc list</c>.
/// </summary>
public static class ContainerBench
{
    public static Task CreateAsync(SuiteTarget target, string name, CancellationToken cancellationToken) =>
        target.Api.RunAsync(HttpMethod.Post, "/1.0/instances", new
        {
            name,
            source = new { type = "image", alias = target.ImageAlias },
            profiles = new[] { "default" },
        }, cancellationToken);

    public static Task ChangeStateAsync(SuiteTarget target, string name, string action, CancellationToken cancellationToken) =>
        target.Api.RunAsync(HttpMethod.Put, $"/1.0/instances/{name}/state", new { action, force = true, timeout = -1 }, cancellationToken);

    /// <summary>Stops (forced) and deletes the instance if it exists; used in cleanup, so it never throws for a missing one.</summary>
    public static async Task RemoveAsync(SuiteTarget target, string name, CancellationToken cancellationToken)
    {
        ApiAnswer state = await target.Api.GetAsync($"/1.0/instances/{name}/state", cancellationToken);
        if (state.Status == 404)
        {
            return;
        }

        if (state.Status == 200 && state.Body.GetProperty("metadata").GetProperty("status").GetString() == "Running")
        {
            await target.Api.TryRunAsync(HttpMethod.Put, $"/1.0/instances/{name}/state", new { action = "stop", force = true, timeout = -1 }, cancellationToken);
        }

        await target.Api.TryRunAsync(HttpMethod.Delete, $"/1.0/instances/{name}", null, cancellationToken);
    }

    /// <summary>Median start and forced-stop times of one container over <paramref name="rounds"/>.</summary>
    public static async Task<(double StartMilliseconds, double StopMilliseconds)> StartStopAsync(SuiteTarget target, int rounds, CancellationToken cancellationToken)
    {
        const string name = "incus-bench-lat";
        await CreateAsync(target, name, cancellationToken);
        try
        {
            var starts = new List<double>();
            var stops = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                long began = Stopwatch.GetTimestamp();
                await ChangeStateAsync(target, name, "start", cancellationToken);
                starts.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                began = Stopwatch.GetTimestamp();
                await ChangeStateAsync(target, name, "stop", cancellationToken);
                stops.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            }

            return (Median(starts), Median(stops));
        }
        finally
        {
            await RemoveAsync(target, name, CancellationToken.None);
        }
    }

    public static string PopulationName(int index) => $"incus-bench-{index}";

    public static async Task PopulateAsync(SuiteTarget target, int count, CancellationToken cancellationToken)
    {
        for (int index = 1; index <= count; index++)
        {
            await CreateAsync(target, PopulationName(index), cancellationToken);
            await ChangeStateAsync(target, PopulationName(index), "start", cancellationToken);
        }
    }

    public static async Task DepopulateAsync(SuiteTarget target, int count)
    {
        for (int index = 1; index <= count; index++)
        {
            await RemoveAsync(target, PopulationName(index), CancellationToken.None);
        }
    }

    /// <summary>Median wall time of <c>lxc list</c> (Debian's lxd-client) pointed at the target's socket, after one untimed run.</summary>
    public static async Task<double> LxcListAsync(string lxc, SuiteTarget target, int runs, CancellationToken cancellationToken)
    {
        // A private LXD_CONF keeps the user's remotes and config out of it, and is the same for both daemons.
        string configuration = Directory.CreateTempSubdirectory("incus-bench-lxc-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["LXD_SOCKET"] = target.SocketPath, ["LXD_CONF"] = configuration };
            (await ExternalProgram.RunAsync(lxc, ["list"], cancellationToken, environment)).EnsureSuccess($"lxc list on {target.Name}");
            var times = new List<double>();
            for (int run = 0; run < runs; run++)
            {
                long began = Stopwatch.GetTimestamp();
                (await ExternalProgram.RunAsync(lxc, ["list"], cancellationToken, environment)).EnsureSuccess($"lxc list on {target.Name}");
                times.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
            }

            return Median(times);
        }
        finally
        {
            Directory.Delete(configuration, recursive: true);
        }
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
