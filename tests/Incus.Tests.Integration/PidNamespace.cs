using Microsoft.Win32.SafeHandles;

namespace Incus.Tests.Integration;

/// <summary>
/// A container's pid namespace, held open so the processes still in it can be found after the container
/// stops. Holding it matters: once the last process and reference are gone the kernel frees the
/// namespace and may give its inode number (all that /proc/PID/ns/pid shows) to the next container's
/// namespace, whose processes would then look like survivors of this one.
/// </summary>
public sealed class PidNamespace : IDisposable
{
    private readonly SafeFileHandle _handle;

    private PidNamespace(SafeFileHandle handle, string link)
    {
        _handle = handle;
        Link = link;
    }

    /// <summary>The namespace as the link text <c>pid:[inode]</c>.</summary>
    public string Link { get; }

    /// <summary>Holds the pid namespace of <paramref name="pid"/>, which must still be running.</summary>
    public static PidNamespace Of(int pid)
    {
        var handle = File.OpenHandle($"/proc/{pid}/ns/pid", FileMode.Open, FileAccess.Read);
        // The link is read through the descriptor, so it names the namespace held, even if pid has exited since.
        string? link = new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
        if (link is null || !link.StartsWith("pid:[", StringComparison.Ordinal))
        {
            handle.Dispose();
            throw new InvalidOperationException($"/proc/{pid}/ns/pid opened as \"{link}\", not a pid namespace");
        }
        return new PidNamespace(handle, link);
    }

    /// <summary>
    /// The pids of every process still in the namespace. When a container's init has exited the kernel
    /// kills the rest of its namespace, so anything found here outlived its container.
    /// </summary>
    public IReadOnlyList<int> Members()
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
            if (link == Link)
            {
                members.Add(pid);
            }
        }
        return members;
    }

    public void Dispose() => _handle.Dispose();
}
