namespace Incus.Bench;

/// <summary>The resolved settings of one <c>incus-bench api</c> run, defaults and environment already applied.</summary>
public sealed class BenchOptions
{
    public bool ShowHelp { get; init; }

    public required string SocketPath { get; init; }

    /// <summary>Null when no LXD baseline was asked for.</summary>
    public string? LxdSocketPath { get; init; }

    /// <summary>Where <see cref="LxdSocketPath"/> came from ("--lxd-socket" or "LXD_SOCKET"), for messages.</summary>
    public string? LxdSocketSource { get; init; }

    /// <summary>Measure our daemon over TLS here instead of over its socket.</summary>
    public TlsEndpoint? Https { get; init; }

    /// <summary>Measure LXD over TLS here instead of over its socket.</summary>
    public TlsEndpoint? LxdHttps { get; init; }

    public string RequestPath { get; init; } = "/1.0";

    /// <summary>Timed requests per run, spread over all connections.</summary>
    public int Requests { get; init; } = 20000;

    public IReadOnlyList<int> ConnectionCounts { get; init; } = [1, 16];

    public int WarmupPerConnection { get; init; } = 50;

    public string? JsonFile { get; init; }
}
