using System.Globalization;

namespace Incus.Platform;

/// <summary>
/// Root's subordinate id range from /etc/subuid and /etc/subgid. Containers are mapped inside the
/// part both files grant; without an entry the daemon uses 1000000-1000999999, the range packaging adds.
/// </summary>
public static class SubordinateIds
{
    public static readonly IdRange Fallback = new(1_000_000, 1_000_000_000);

    public static IdRange ForRoot(string subuidPath = "/etc/subuid", string subgidPath = "/etc/subgid")
    {
        var uids = Read(subuidPath);
        var gids = Read(subgidPath);
        if (uids is null || gids is null)
        {
            return Fallback;
        }
        long start = Math.Max(uids.Value.Start, gids.Value.Start);
        long end = Math.Min(uids.Value.End, gids.Value.End);
        return end > start ? new IdRange(start, end - start) : Fallback;
    }

    /// <summary>True when <paramref name="range"/> lies inside what both files grant root.</summary>
    public static bool GrantedToRoot(IdRange range) => range.Size > 0 && ForRoot().Contains(range);

    /// <summary>The largest range granted to root (by name or uid 0), or null when there is none.</summary>
    public static IdRange? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        IdRange? best = null;
        foreach (string line in File.ReadLines(path))
        {
            string[] fields = line.Split(':');
            if (fields.Length == 3 && fields[0] is "root" or "0"
                && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long start)
                && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
                && size > 0 && (best is null || size > best.Value.Size))
            {
                best = new IdRange(start, size);
            }
        }
        return best;
    }
}
