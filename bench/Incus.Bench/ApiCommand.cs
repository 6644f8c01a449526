using System.Globalization;

namespace Incus.Bench;

/// <summary>The <c>api</c> command: probe the targets, run every connection count, print and save the figures.</summary>
public static class ApiCommand
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <returns>The process exit code: 0, or 1 when any target answered something other than 200.</returns>
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"incus-bench api: GET {options.RequestPath}, {options.Requests} timed requests per run, {options.WarmupPerConnection} warm-up requests per connection"));

        var ours = BenchTarget.Over("ours", options.SocketPath, options.Https);
        var oursBenchmark = new ApiBenchmark(ours, options.RequestPath);
        ResponseSummary oursProbe;
        try
        {
            oursProbe = await oursBenchmark.ProbeAsync(ProbeTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsTargetUnavailable(ex))
        {
            throw new BenchmarkFailedException($"our daemon at {ours.SocketPath} does not answer GET {options.RequestPath}: {ex.Message}");
        }

        output.WriteLine(ResultFormatter.FormatProbe(ours, options.RequestPath, oursProbe));
        if (oursProbe.StatusCode != 200)
        {
            // Measuring the speed of an error page would be meaningless; fail before spending minutes on it.
            throw new BenchmarkFailedException($"our daemon at {ours.SocketPath} answered GET {options.RequestPath} with {oursProbe.StatusCode}, not 200");
        }

        ApiBenchmark? lxdBenchmark = await PrepareLxdAsync(options, output, cancellationToken);
        output.Flush();

        var results = new List<BenchResult>();
        foreach (int connections in options.ConnectionCounts)
        {
            BenchResult oursResult = await oursBenchmark.RunAsync(connections, options.Requests, options.WarmupPerConnection, cancellationToken);
            results.Add(oursResult);

            // LXD runs right after ours at the same connection count, so both see the same machine state.
            BenchResult? lxdResult = null;
            if (lxdBenchmark is not null)
            {
                lxdResult = await lxdBenchmark.RunAsync(connections, options.Requests, options.WarmupPerConnection, cancellationToken);
                results.Add(lxdResult);
            }

            output.WriteLine(ResultFormatter.FormatRow(oursResult, lxdResult));
            output.Flush();
        }

        if (options.JsonFile is not null)
        {
            JsonReportWriter.Write(options.JsonFile, results);
            output.WriteLine($"wrote {options.JsonFile}");
        }

        int errors = results.Sum(result => result.Errors);
        if (errors > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FAILED: {errors} answers were not 200"));
            return 1;
        }

        return 0;
    }

    /// <summary>The LXD baseline is optional: when it is not available we say why and carry on with ours alone.</summary>
    private static async Task<ApiBenchmark?> PrepareLxdAsync(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        if (options.LxdSocketPath is null && options.LxdHttps is null)
        {
            output.WriteLine("LXD baseline not measured: no --lxd-socket or --lxd-https given and LXD_SOCKET is not set");
            return null;
        }

        var lxd = BenchTarget.Over("lxd", options.LxdSocketPath, options.LxdHttps);
        var benchmark = new ApiBenchmark(lxd, options.RequestPath);
        ResponseSummary probe;
        try
        {
            probe = await benchmark.ProbeAsync(ProbeTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsTargetUnavailable(ex))
        {
            output.WriteLine($"LXD baseline not measured: {lxd.SocketPath} (from {options.LxdSocketSource}) does not answer: {ex.Message}");
            return null;
        }

        output.WriteLine(ResultFormatter.FormatProbe(lxd, options.RequestPath, probe));
        if (probe.StatusCode != 200)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"LXD baseline not measured: {lxd.SocketPath} answered GET {options.RequestPath} with {probe.StatusCode}, not 200"));
            return null;
        }

        return benchmark;
    }

    /// <summary>Failures that mean "nothing usable listens there", as opposed to bugs or Ctrl+C.</summary>
    public static bool IsTargetUnavailable(Exception ex) => ex is System.Net.Sockets.SocketException or IOException or System.Security.Authentication.AuthenticationException
        or TimeoutException or HttpProtocolException or ConnectionClosedException;
}
