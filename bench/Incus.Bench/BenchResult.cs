namespace Incus.Bench;

/// <summary>The figures of one timed run: one target, one connection count.</summary>
public sealed record BenchResult(
    string Target,
    string SocketPath,
    string RequestPath,
    int Connections,
    int Requests,
    double ElapsedSeconds,
    double RequestsPerSecond,
    double P50Milliseconds,
    double P90Milliseconds,
    double P99Milliseconds,
    int Errors,
    int Reconnects);
