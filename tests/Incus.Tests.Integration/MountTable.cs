namespace Incus.Tests.Integration;

/// <summary>The entries of a process's mount table that involve one directory tree.</summary>
public static class MountTable
{
    /// <summary>
    /// The lines of <c>/proc/PID/mountinfo</c> whose mounted root (field 4, for bind mounts the source
    /// directory) or mount point (field 5) lies under <paramref name="directory"/>. Whole lines are kept,
    /// mount ids included, so an entry unmounted and mounted again does not compare equal to the old one.
    /// </summary>
    public static IReadOnlyList<string> Under(int pid, string directory)
    {
        string prefix = directory.TrimEnd('/');
        return File.ReadAllLines($"/proc/{pid}/mountinfo")
            .Where(line =>
            {
                string[] fields = line.Split(' ');
                return fields.Length > 4 && (IsUnder(Unescape(fields[3]), prefix) || IsUnder(Unescape(fields[4]), prefix));
            })
            .ToList();
    }

    private static bool IsUnder(string path, string prefix) => path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);

    /// <summary>mountinfo writes space, tab, newline and backslash as octal escapes.</summary>
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
