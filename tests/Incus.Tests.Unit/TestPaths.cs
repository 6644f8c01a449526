namespace Incus.Tests.Unit;

/// <summary>Locations of build outputs the tests load, derived from this assembly's own output folder.</summary>
public static class TestPaths
{
    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Incus.sln")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName ?? throw new InvalidOperationException("Incus.sln not found above the test output folder");
        }
    }

    /// <summary>Debug or Release: the configuration this test assembly was built with.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string BuildOutput(string projectDirectory) =>
        Path.Combine(RepositoryRoot, projectDirectory, "bin", Configuration, "net10.0");
}
