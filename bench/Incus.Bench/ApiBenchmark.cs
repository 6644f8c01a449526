using System.Diagnostics;

namespace Incus.Bench;

/// <summary>Closed-loop GET load against one target over a fixed number of keep-alive connections.</summary>
public sealed class ApiBenchmark(BenchTarget target, string requestPath)
{
    /// <summary>One request on a fresh connection, to find out whether the target answers at all and how.</summary>
    public async Task<ResponseSummary> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The timeout matters for a socket whose listener accepts but never answers (a hung daemon):
        // without it the whole run would hang instead of reporting the target as unavailable.
        // Connecting to a missing socket file fails with EADDRNOTAVAIL ("Cannot assign requested address"),
        // which sends people looking in the wrong place; say plainly that the file is not there.
        if (target.Tls is null && !File.Exists(target.SocketPath))
        {
            throw new FileNotFoundException("no such file", target.SocketPath);
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var connection = new KeepAliveConnection(target, requestPath);
        try
        {
            return await connection.GetAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {timeout.TotalSeconds:0} s");
        }
    }

    public async Task<BenchResult> RunAsync(int connectionCount, int requests, int warmupPerConnection, CancellationToken cancellationToken)
    {
        var connections = new KeepAliveConnection[connectionCount];
        try
        {
            for (int i = 0; i < connectionCount; i++)
            {
                connections[i] = new KeepAliveConnection(target, requestPath);
                await connections[i].ConnectAsync(cancellationToken);
            }

            var run = new RunState(requests);

            // Warm-up brings the JIT, the server's caches and the connections to steady state; it runs on all
            // connections at once so the timed phase starts with every connection equally warm.
            await Task.WhenAll(connections.Select(connection => Task.Run(
                () => WarmUpAsync(connection, warmupPerConnection, run, cancellationToken), cancellationToken)));
            int connectsBeforeTimedPhase = connections.Sum(connection => connection.ConnectCount);

            long startTimestamp = Stopwatch.GetTimestamp();
            await Task.WhenAll(connections.Select(connection => Task.Run(
                () => MeasureAsync(connection, run, cancellationToken), cancellationToken)));
            TimeSpan elapsed = Stopwatch.GetElapsedTime(startTimestamp);

            Array.Sort(run.LatencyTicks);
            return new BenchResult(
                Target: target.Name,
                SocketPath: target.SocketPath,
                RequestPath: requestPath,
                Connections: connectionCount,
                Requests: requests,
                ElapsedSeconds: elapsed.TotalSeconds,
                RequestsPerSecond: requests / elapsed.TotalSeconds,
                P50Milliseconds: LatencyPercentiles.Milliseconds(run.LatencyTicks, 50),
                P90Milliseconds: LatencyPercentiles.Milliseconds(run.LatencyTicks, 90),
                P99Milliseconds: LatencyPercentiles.Milliseconds(run.LatencyTicks, 99),
                Errors: run.Errors,
                Reconnects: connections.Sum(connection => connection.ConnectCount) - connectsBeforeTimedPhase);
        }
        finally
        {
            foreach (KeepAliveConnection? connection in connections)
            {
                connection?.Dispose();
            }
        }
    }

    private static async Task WarmUpAsync(KeepAliveConnection connection, int count, RunState run, CancellationToken cancellationToken)
    {
        for (int i = 0; i < count; i++)
        {
            ResponseSummary response = await connection.GetAsync(cancellationToken);
            // Counted as well: a server that fails during warm-up has failed, timed or not.
            if (response.StatusCode != 200)
            {
                Interlocked.Increment(ref run.Errors);
            }
        }
    }

    private static async Task MeasureAsync(KeepAliveConnection connection, RunState run, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Connections claim request slots from a shared counter, so the run ends after exactly N requests
            // however unevenly the server serves the connections, and each latency has its own slot.
            int slot = Interlocked.Increment(ref run.NextSlot);
            if (slot >= run.LatencyTicks.Length)
            {
                return;
            }

            long sentTimestamp = Stopwatch.GetTimestamp();
            ResponseSummary response = await connection.GetAsync(cancellationToken);
            run.LatencyTicks[slot] = Stopwatch.GetTimestamp() - sentTimestamp;
            if (response.StatusCode != 200)
            {
                Interlocked.Increment(ref run.Errors);
            }
        }
    }

    /// <summary>State shared by the connection tasks of one run; fields so Interlocked can update them.</summary>
    private sealed class RunState(int requests)
    {
        public readonly long[] LatencyTicks = new long[requests];
        public int NextSlot = -1;
        public int Errors;
    }
}
