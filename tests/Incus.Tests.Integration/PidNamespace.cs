namespace Incus.Tests.Integration;

/// <summary>Which processes live in a given pid namespace, found through /proc/PID/ns/pid.</summary>
public static class PidNamespace
{
    /// <summary>The namespace of <paramref name="pid"/>, as the link text <c>pid:[inode]</c>.</summary>
    public static string Of(int pid) => new FileInfo($"/proc/{pid}/ns/pid").LinkTarget
        ?? throw new InvalidOperationException($"/proc/{pid}/ns/pid is not a link");

    /// <summary>
    /// The pids of every process still in <paramref name="pidNamespace"/>. When a container's init has
    /// exited the kernel kills the rest of its namespace, so anything found here outlived its container.
    /// </summary>
    public static IReadOnlyList<int> Members(string pidNamespace)
    {
        var members = new List<int>();
        foreach (string entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid))
            {
                continue;
            }
            string? link;
            try
            {
                link = new FileInfo(Path.Combine(entry, "ns", "pid")).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked: it is not a survivor.
                continue;
            }
            if (link == pidNamespace)
            {
                members.Add(pid);
            }
        }
        return members;
    }
}
