using System.Globalization;

namespace Incus.DriverCheck;

/// <summary>
/// Every entry beneath a directory (relative path, type, mode), read without following links, so two
/// snapshots show exactly what a driver created, changed or left behind.
/// </summary>
public sealed class TreeSnapshot
{
    private readonly SortedDictionary<string, string> _entries;

    private TreeSnapshot(SortedDictionary<string, string> entries) => _entries = entries;

    public IReadOnlyCollection<string> Paths => _entries.Keys;

    /// <param name="root">The directory to walk.</param>
    /// <param name="ignored">Top-level names that belong to the test harness, not to the driver (such as the helper's logs).</param>
    public static TreeSnapshot Take(string root, params string[] ignored)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(new DirectoryInfo(root), "", entries, ignored);
        return new TreeSnapshot(entries);
    }

    private static void Walk(DirectoryInfo directory, string prefix, SortedDictionary<string, string> entries, string[] ignored)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (prefix.Length == 0 && ignored.Contains(entry.Name, StringComparer.Ordinal))
            {
                continue;
            }
            string relative = prefix + entry.Name;
            string mode = Convert.ToString((int)entry.UnixFileMode, 8).PadLeft(4, '0');
            if (entry.LinkTarget is not null)
            {
                entries[relative] = $"link -> {entry.LinkTarget}";
            }
            else if (entry is DirectoryInfo child)
            {
                entries[relative] = string.Create(CultureInfo.InvariantCulture, $"dir {mode}");
                Walk(child, relative + "/", entries, ignored);
            }
            else
            {
                entries[relative] = string.Create(CultureInfo.InvariantCulture, $"file {mode} {((FileInfo)entry).Length}");
            }
        }
    }

    /// <summary>Entries that are new, gone or changed in <paramref name="after"/>, each as "+path", "-path" or "~path".</summary>
    public IReadOnlyList<string> Differences(TreeSnapshot after)
    {
        var changes = new List<string>();
        foreach (var (path, description) in after._entries)
        {
            if (!_entries.TryGetValue(path, out var before))
            {
                changes.Add($"+{path}");
            }
            else if (before != description)
            {
                changes.Add($"~{path}");
            }
        }
        changes.AddRange(_entries.Keys.Where(path => !after._entries.ContainsKey(path)).Select(path => $"-{path}"));
        return changes;
    }
}
