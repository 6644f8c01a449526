using System.Text.Json;

namespace Incus.Bench.Filters;

/// <summary>Reads the figures out of the JSON that <c>iperf3 --json</c> prints.</summary>
public static class Iperf3Report
{
    /// <summary>
    /// The receiver's throughput of a TCP test in bit/s. The receiver's figure, not the sender's, because
    /// bytes still queued at the sender when the test ends were never carried through the filters.
    /// </summary>
    public static double ReceivedBitsPerSecond(string json)
    {
        using var document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        // iperf3 reports failures (no server, refused connection) as an "error" member with exit code 1.
        if (root.TryGetProperty("error", out JsonElement error))
        {
            throw new InvalidOperationException($"iperf3 failed: {error.GetString()}");
        }
        if (root.TryGetProperty("end", out JsonElement end)
            && end.TryGetProperty("sum_received", out JsonElement received)
            && received.TryGetProperty("bits_per_second", out JsonElement bitsPerSecond))
        {
            return bitsPerSecond.GetDouble();
        }
        throw new InvalidOperationException("iperf3's report has no end.sum_received.bits_per_second (not a TCP test?)");
    }
}
