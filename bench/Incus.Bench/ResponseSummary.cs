namespace Incus.Bench;

/// <summary>
/// What the benchmark keeps of one response. The body itself is skipped, never copied: the load
/// generator must stay much cheaper than the server it measures.
/// </summary>
public readonly record struct ResponseSummary(int StatusCode, BodyFraming Framing, long BodyBytes, bool KeepAlive);
