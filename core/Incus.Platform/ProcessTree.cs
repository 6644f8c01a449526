using System.Globalization;

namespace Incus.Platform;

/// <summary>Parent and namespace relations read from /proc.</summary>
public static class ProcessTree
{
    /// <summary>The live children of a process, from /proc/PID/task/*/children; empty when the process is gone.</summary>
    public static IReadOnlyList<int> Children(int pid)
    {
        var children = new List<int>();
        string tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return children;
        }
        foreach (string task in Directory.EnumerateDirectories(tasks))
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // The thread ended while we listed them.
                continue;
            }
            children.AddRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)));
        }
        return children;
    }

    /// <summary>The identity of a process's pid namespace ("pid:[4026531836]"), or null when the process is gone.</summary>
    public static string? PidNamespace(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/pid").LinkTarget;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
