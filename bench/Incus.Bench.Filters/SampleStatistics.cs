namespace Incus.Bench.Filters;

/// <summary>Summaries of repeated measurements.</summary>
public static class SampleStatistics
{
    /// <summary>The median, which a single slow round on a shared machine does not drag along as a mean would.</summary>
    public static double Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("no values to take the median of", nameof(values));
        }
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
