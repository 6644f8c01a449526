using System.Globalization;

namespace Incus.Bench;

/// <summary>Formats the plain-text table, one line per connection count with ours and (optionally) LXD side by side.</summary>
public static class ResultFormatter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string FormatRow(BenchResult ours, BenchResult? lxd)
    {
        string line = string.Create(Invariant,
            $"GET {ours.RequestPath}  {"c=" + ours.Connections.ToString(Invariant),-5} ours {ours.RequestsPerSecond,7:0} req/s {Latencies(ours)}{Problems(ours)}");
        if (lxd is not null)
        {
            double ratio = lxd.RequestsPerSecond > 0 ? ours.RequestsPerSecond / lxd.RequestsPerSecond : double.NaN;
            line += string.Create(Invariant,
                $"  lxd {lxd.RequestsPerSecond,7:0} req/s {Latencies(lxd)}{Problems(lxd)}  ratio {ratio:0.00}x");
        }

        return line;
    }

    public static string FormatProbe(BenchTarget target, string requestPath, ResponseSummary response)
    {
        string framing = response.Framing switch
        {
            BodyFraming.ContentLength => "Content-Length",
            BodyFraming.Chunked => "chunked",
            BodyFraming.UntilClose => "body until close",
            _ => "no body",
        };
        string connection = response.KeepAlive ? "keep-alive" : "Connection: close";
        return string.Create(Invariant,
            $"{target.Name + ":",-5} {target.SocketPath}  GET {requestPath} -> {response.StatusCode} ({framing}, {response.BodyBytes} body bytes, {connection})");
    }

    private static string Latencies(BenchResult result) => string.Create(Invariant,
        $"(p50 {result.P50Milliseconds:0.00} ms, p90 {result.P90Milliseconds:0.00} ms, p99 {result.P99Milliseconds:0.00} ms)");

    // Only shown when non-zero so the normal line stays short; reconnects explain a low figure for servers
    // that answer Connection: close.
    private static string Problems(BenchResult result)
    {
        string text = "";
        if (result.Errors > 0)
        {
            text += string.Create(Invariant, $" ERRORS {result.Errors} non-200");
        }

        if (result.Reconnects > 0)
        {
            text += string.Create(Invariant, $" reconnects {result.Reconnects}");
        }

        return text;
    }
}
