namespace Incus.Tests.Integration;

/// <summary>Build outputs of the plugin fixtures in tests/fixtures, and copying plugin folders.</summary>
public static class FixturePlugins
{
    /// <summary>Debug or Release: the configuration this test assembly was built with, and so its fixtures.</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string Output(string fixture) =>
        Path.Combine(Stage.RepositoryRoot, "tests", "fixtures", fixture, "bin", Configuration, "net10.0");

    /// <summary>Copies a directory tree, leaving out build leftovers (bin/ and obj/).</summary>
    public static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        foreach (string directory in Directory.GetDirectories(source))
        {
            string name = Path.GetFileName(directory);
            if (name is not ("bin" or "obj"))
            {
                CopyTree(directory, Path.Combine(target, name));
            }
        }
    }
}
