namespace Incus.Bench;

/// <summary>A server to measure: <paramref name="Name"/> is "ours" or "lxd" and labels table rows and JSON records.</summary>
public sealed record BenchTarget(string Name, string SocketPath);
