namespace Incus.Bench.Filters;

/// <summary>How the data-plane comparison runs: the iperf3 binary, seconds per run, runs per side, and at which populations.</summary>
public sealed record ThroughputSettings(string Iperf3, int Seconds, int Rounds, IReadOnlyList<int> Populations);
