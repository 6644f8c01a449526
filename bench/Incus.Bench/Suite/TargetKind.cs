namespace Incus.Bench.Suite;

/// <summary>How a figure is judged against its target.</summary>
public enum TargetKind
{
    /// <summary>No target: the figure is context (for example the number of requests of the load run).</summary>
    None,

    /// <summary>ours / LXD must be at least the bound (throughputs).</summary>
    RatioAtLeast,

    /// <summary>ours / LXD must be at most the bound (times, memory).</summary>
    RatioAtMost,

    /// <summary>ours alone must be at most the bound (milliseconds, errors, percent growth).</summary>
    AtMost,

    /// <summary>ours alone must be at least the bound (percent of unfiltered throughput).</summary>
    AtLeast,
}
