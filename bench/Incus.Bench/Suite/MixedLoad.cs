using System.Collections.Concurrent;
using System.Globalization;

namespace Incus.Bench.Suite;

/// <summary>
/// Closed-loop mixed API load: each client owns one container and cycles list, show, config set and a
/// start or forced stop of it, until the time is up. Every failed request or operation counts as an error.
/// </summary>
public static class MixedLoad
{
    public sealed record Outcome(long Requests, long Errors, IReadOnlyList<string> FirstErrors);

    public static string ContainerName(int client) => $"incus-bench-load-{client}";

    public static async Task<Outcome> RunAsync(string socketPath, int clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        long requests = 0, errors = 0;
        var firstErrors = new ConcurrentQueue<string>();
        DateTime deadline = DateTime.UtcNow + duration;

        async Task ClientAsync(int client)
        {
            // One connection per client, as 16 separate users would have.
            using var api = new UnixSocketApi(socketPath, maxConnections: 1);
            string name = ContainerName(client);
            bool running = false;
            for (long step = 0; DateTime.UtcNow < deadline; step++)
            {
                string? failure;
                try
                {
                    failure = (step % 4) switch
                    {
                        0 => Expect200(await api.GetAsync("/1.0/instances?recursion=1", cancellationToken)),
                        1 => Expect200(await api.GetAsync($"/1.0/instances/{name}", cancellationToken)),
                        2 => await api.TryRunAsync(HttpMethod.Patch, $"/1.0/instances/{name}",
                            new { config = new Dictionary<string, string> { ["user.bench-step"] = step.ToString(CultureInfo.InvariantCulture) } }, cancellationToken),
                        _ => await api.TryRunAsync(HttpMethod.Put, $"/1.0/instances/{name}/state",
                            new { action = running ? "stop" : "start", force = true, timeout = -1 }, cancellationToken),
                    };
                    if (step % 4 == 3 && failure is null)
                    {
                        running = !running;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException or TaskCanceledException
                    && !cancellationToken.IsCancellationRequested)
                {
                    failure = $"{ex.GetType().Name}: {ex.Message}";
                }

                Interlocked.Increment(ref requests);
                if (failure is not null)
                {
                    Interlocked.Increment(ref errors);
                    if (firstErrors.Count < 5)
                    {
                        firstErrors.Enqueue(failure);
                    }
                }
            }

            // Every client leaves its container stopped, so memory before and after is compared in the same state.
            if (running)
            {
                await api.TryRunAsync(HttpMethod.Put, $"/1.0/instances/{name}/state", new { action = "stop", force = true, timeout = -1 }, cancellationToken);
            }
        }

        await Task.WhenAll(Enumerable.Range(1, clients).Select(client => Task.Run(() => ClientAsync(client), cancellationToken)));
        return new Outcome(requests, errors, [.. firstErrors]);
    }

    private static string? Expect200(ApiAnswer answer) => answer.Status == 200 ? null : $"{answer.Status} {answer.ErrorText}";
}
