namespace Incus.Bench.Suite;

/// <summary>The resolved settings of one <c>incus-bench all</c> run; <see cref="SuiteOptionsParser"/> fills the sizes from --smoke.</summary>
public sealed class SuiteOptions
{
    public bool ShowHelp { get; init; }

    public bool Smoke { get; init; }

    /// <summary>An already running daemon to measure instead of a throwaway one (then its cold start is not measured).</summary>
    public string? SocketPath { get; init; }

    public string? LxdSocketPath { get; init; }

    /// <summary>Where <see cref="LxdSocketPath"/> came from, for messages; or why there is none.</summary>
    public string LxdSocketSource { get; init; } = "";

    /// <summary>False with --no-lxd-restart: LXD's cold start is then not measured and LXD keeps running untouched.</summary>
    public bool RestartLxd { get; init; } = true;

    public string? LxdImage { get; init; }

    public required string StageDirectory { get; init; }

    public required string RepositoryRoot { get; init; }

    public string? JsonFile { get; init; }

    public int ApiRequests { get; init; }

    public int Containers { get; init; }

    public int Rounds { get; init; }

    public int RecursionRequests { get; init; }

    public int ColdStartRounds { get; init; }

    public TimeSpan IdleSettle { get; init; }

    public int LoadClients { get; init; }

    public TimeSpan LoadDuration { get; init; }

    public string FilterPopulations { get; init; } = "1,100,1000";

    public int FilterRounds { get; init; }
}
