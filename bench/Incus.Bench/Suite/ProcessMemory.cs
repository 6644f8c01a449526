using System.Globalization;

namespace Incus.Bench.Suite;

/// <summary>
/// Memory of a process tree from /proc: PSS from smaps_rollup (shared pages such as the .NET framework are
/// divided among the processes that map them, so summing over processes counts them once) and RSS.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Subtrees that are not the daemon's own code: dnsmasq and the LXC monitors with their containers.</summary>
    private static bool IsExcluded(string command) => command == "dnsmasq" || command.StartsWith("lxc", StringComparison.Ordinal)
        || command.StartsWith("[lxc", StringComparison.Ordinal);

    public sealed record Footprint(double PssMegabytes, double RssMegabytes, IReadOnlyList<int> Pids);

    /// <summary>Sums over <paramref name="rootPid"/> and its descendants, leaving out excluded subtrees.</summary>
    public static Footprint OfTree(int rootPid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (string entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid) || ParentOf(pid) is not int parent)
            {
                continue;
            }

            if (!children.TryGetValue(parent, out List<int>? list))
            {
                children[parent] = list = [];
            }

            list.Add(pid);
        }

        var included = new List<int>();
        var pending = new Stack<int>([rootPid]);
        while (pending.Count > 0)
        {
            int pid = pending.Pop();
            if (pid != rootPid && IsExcluded(CommandName(pid)))
            {
                continue;
            }

            included.Add(pid);
            foreach (int child in children.GetValueOrDefault(pid) ?? [])
            {
                pending.Push(child);
            }
        }

        double pss = 0, rss = 0;
        foreach (int pid in included)
        {
            (double processPss, double processRss) = Read(pid);
            pss += processPss;
            rss += processRss;
        }

        return new Footprint(pss / 1024, rss / 1024, included);
    }

    /// <returns>PSS and RSS in kB; zero for a process that ended meanwhile.</returns>
    private static (double Pss, double Rss) Read(int pid)
    {
        double pss = 0, rss = 0;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    pss = KilobytesOf(line);
                }
                else if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    rss = KilobytesOf(line);
                }
            }
        }
        catch (IOException)
        {
        }

        return (pss, rss);
    }

    private static double KilobytesOf(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    public static int? ParentOf(int pid)
    {
        try
        {
            // The command name in parentheses may contain spaces, so fields are counted after the last ')'.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static string CommandName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
