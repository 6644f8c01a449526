namespace Incus.Tests.Integration;

/// <summary>
/// The installed layout under test: packaging/stage.sh output (INCUS_STAGE_DIR, default &lt;repo&gt;/stage).
/// Integration tests run the real binaries from there, as root.
/// </summary>
public static class Stage
{
    public static string Directory
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("INCUS_STAGE_DIR");
            string path = string.IsNullOrEmpty(configured) ? Path.Combine(RepositoryRoot, "stage") : configured;
            if (!File.Exists(Path.Combine(path, "incusd", "incusd")))
            {
                throw new InvalidOperationException($"no staged daemon in {path}; run packaging/stage.sh {path} first (tests/run does)");
            }
            return path;
        }
    }

    public static string Incusd => Path.Combine(Directory, "incusd", "incusd");
    public static string Cli => Path.Combine(Directory, "cli", "incus");
    public static string Helper(string name) => Path.Combine(Directory, "helpers", name, $"incus-helper-{name}");

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Incus.sln")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName ?? throw new InvalidOperationException("Incus.sln not found");
        }
    }

    public static void RequireRoot()
    {
        if (Incus.Platform.ProcessStatus.ReadSelf().EffectiveUid != 0)
        {
            throw new InvalidOperationException("integration tests start the real daemon and must run as root");
        }
    }
}
