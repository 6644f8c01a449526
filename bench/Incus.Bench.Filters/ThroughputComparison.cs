using System.Globalization;

namespace Incus.Bench.Filters;

/// <summary>
/// Median TCP throughput between two filtered NICs on one bridge versus the same NICs unfiltered,
/// with <paramref name="Population"/> other filtered NICs present.
/// </summary>
public sealed record ThroughputComparison(string Driver, int Population, double FilteredGbps, double UnfilteredGbps)
{
    /// <summary>The target of issues 5 and 6: filtering may cost at most 5 % of the throughput.</summary>
    public const double TargetRatio = 0.95;

    public double Ratio => UnfilteredGbps > 0 ? FilteredGbps / UnfilteredGbps : 0;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"filtered {FilteredGbps:F2} Gbit/s vs unfiltered {UnfilteredGbps:F2} Gbit/s = {Ratio * 100:F1} % (target >= {TargetRatio * 100:F0} %{(Ratio >= TargetRatio ? ", met" : ", NOT met")})");
}
