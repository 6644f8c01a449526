using System.Globalization;

namespace Incus.Bench.Suite;

/// <summary>Parses <c>incus-bench all</c>'s options; the sizes come from issue 9's table, or tiny ones with --smoke.</summary>
public static class SuiteOptionsParser
{
    public const string Usage = """
        usage: incus-bench all [--socket S] [--lxd-socket L] [--json FILE] [--smoke] [options]

        Runs every figure of the performance suite against our daemon and, when available, LXD in the same run,
        and prints ours, LXD, the ratio and the target for each. By default it starts its own throwaway daemon
        from the stage directory in a fresh network namespace, with its own directory under /tmp, and removes
        both afterwards. Run as root.

          --socket PATH        measure this running daemon instead of a throwaway one (no cold start then)
          --lxd-socket PATH    LXD's socket (default: $LXD_SOCKET, else /var/lib/lxd or the snap's, when it answers)
          --no-lxd             measure ours alone
          --no-lxd-restart     leave LXD running: its cold start is then not measured
          --lxd-image ALIAS    image alias on LXD (default: import the busybox test image, removed afterwards)
          --stage DIR          staged daemon (default: $INCUS_STAGE_DIR, else <repo>/stage)
          --json FILE          also write every figure to FILE
          --smoke              tiny sizes (2 containers, 2 s of load, 1 and 10 NICs) so the suite cannot rot
          --containers N       running containers for the list figures (default 30)
          --load-clients N     clients of the mixed load (default 16)
          --load-seconds N     duration of the mixed load (default 60)
          -h, --help           show this text
        """;

    public static SuiteOptions Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        bool smoke = args.Contains("--smoke");
        string? socket = null, lxdSocket = null, lxdImage = null, json = null, stage = null;
        bool noLxd = false, restartLxd = true, help = false;
        int? containers = null, loadClients = null, loadSeconds = null;
        for (int position = 0; position < args.Count; position++)
        {
            string name = args[position];
            string Value() => position + 1 < args.Count ? args[++position] : throw new UsageException($"{name} needs a value");
            switch (name)
            {
                case "all" when position == 0:
                case "--smoke":
                    break;
                case "-h" or "--help":
                    help = true;
                    break;
                case "--socket":
                    socket = Value();
                    break;
                case "--lxd-socket":
                    lxdSocket = Value();
                    break;
                case "--no-lxd":
                    noLxd = true;
                    break;
                case "--no-lxd-restart":
                    restartLxd = false;
                    break;
                case "--lxd-image":
                    lxdImage = Value();
                    break;
                case "--stage":
                    stage = Path.GetFullPath(Value());
                    break;
                case "--json":
                    json = Path.GetFullPath(Value());
                    break;
                case "--containers":
                    containers = Count(name, Value(), 1);
                    break;
                case "--load-clients":
                    loadClients = Count(name, Value(), 1);
                    break;
                case "--load-seconds":
                    loadSeconds = Count(name, Value(), 1);
                    break;
                default:
                    throw new UsageException($"unknown option \"{name}\"");
            }
        }

        (string? lxdPath, string lxdSource) = noLxd ? (null, "--no-lxd was given") : FindLxd(lxdSocket);
        string? configuredStage = Environment.GetEnvironmentVariable("INCUS_STAGE_DIR");
        return new SuiteOptions
        {
            ShowHelp = help,
            Smoke = smoke,
            SocketPath = socket,
            LxdSocketPath = lxdPath,
            LxdSocketSource = lxdSource,
            RestartLxd = restartLxd,
            LxdImage = lxdImage,
            StageDirectory = stage ?? (string.IsNullOrEmpty(configuredStage) ? Path.Combine(repositoryRoot, "stage") : configuredStage),
            RepositoryRoot = repositoryRoot,
            JsonFile = json,
            ApiRequests = smoke ? 500 : 20000,
            Containers = containers ?? (smoke ? 2 : 30),
            Rounds = smoke ? 2 : 5,
            RecursionRequests = smoke ? 20 : 300,
            ColdStartRounds = smoke ? 1 : 3,
            IdleSettle = TimeSpan.FromSeconds(smoke ? 1 : 5),
            LoadClients = loadClients ?? (smoke ? 2 : 16),
            LoadDuration = TimeSpan.FromSeconds(loadSeconds ?? (smoke ? 2 : 60)),
            FilterPopulations = smoke ? "1,10" : "1,100,1000",
            FilterRounds = smoke ? 1 : 5,
        };
    }

    /// <summary>An explicit socket is used as given; otherwise LXD_SOCKET, then the packaged locations that exist.</summary>
    private static (string? Path, string Source) FindLxd(string? explicitSocket)
    {
        if (!string.IsNullOrEmpty(explicitSocket))
        {
            return (explicitSocket, "--lxd-socket");
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable("LXD_SOCKET");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return (fromEnvironment, "LXD_SOCKET");
        }

        foreach (string candidate in new[] { "/var/lib/lxd/unix.socket", "/var/snap/lxd/common/lxd/unix.socket" })
        {
            if (File.Exists(candidate))
            {
                return (candidate, "its packaged location");
            }
        }

        return (null, "no --lxd-socket given, LXD_SOCKET unset and no socket at /var/lib/lxd or /var/snap/lxd");
    }

    private static int Count(string option, string text, int minimum) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= minimum
            ? value
            : throw new UsageException($"{option} needs a whole number >= {minimum}, not \"{text}\"");
}
