namespace Incus.Tests.Integration;

/// <summary>Small path conveniences for building test trees.</summary>
public static class PathExtensions
{
    /// <summary>Creates the directory that will hold <paramref name="path"/> and returns the path.</summary>
    public static string EnsureParent(this string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
