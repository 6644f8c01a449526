using System.Diagnostics;

namespace Incus.Bench;

/// <summary>Percentiles over latencies recorded as raw <see cref="Stopwatch"/> ticks (cheaper to record than TimeSpans).</summary>
public static class LatencyPercentiles
{
    /// <summary>
    /// Nearest-rank percentile in milliseconds of an ascending array: no interpolation, so every figure
    /// reported is a latency that actually occurred.
    /// </summary>
    public static double Milliseconds(long[] sortedTicks, double percentile)
    {
        if (sortedTicks.Length == 0)
        {
            return 0;
        }

        int rank = (int)Math.Ceiling(percentile / 100.0 * sortedTicks.Length);
        long ticks = sortedTicks[Math.Clamp(rank - 1, 0, sortedTicks.Length - 1)];
        return ticks * 1000.0 / Stopwatch.Frequency;
    }
}
