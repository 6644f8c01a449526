namespace Incus.Bench;

/// <summary>The benchmark cannot produce a meaningful figure (e.g. our daemon does not answer); exit code 1.</summary>
public sealed class BenchmarkFailedException(string message) : Exception(message);
