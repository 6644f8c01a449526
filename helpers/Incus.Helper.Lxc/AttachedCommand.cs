using Incus.Platform;

namespace Incus.Helpers.Lxc;

/// <summary>
/// Finds the command that lxc-attach started: lxc-attach clones it as its own child inside the
/// container's pid namespace (a short-lived helper child that lxc-attach forks first stays in the
/// host's). Signals go to that process, as Incus sends them to the command and not to its runner.
/// </summary>
public static class AttachedCommand
{
    /// <summary>Signals the command; false when it has not started yet or has already exited.</summary>
    public static bool TrySignal(ProcessHandle? lxcAttach, int signal)
    {
        // Until lxc-attach is reaped its pid cannot be reused, so its children are its own; it is
        // checked before and after, so the list read in between cannot be a stranger's.
        if (lxcAttach is null || !lxcAttach.TrySignal(0))
        {
            return false;
        }
        string? host = ProcessTree.PidNamespace(Environment.ProcessId);
        foreach (int child in ProcessTree.Children(lxcAttach.Pid))
        {
            if (!InContainer(child, host))
            {
                continue;
            }
            using var handle = ProcessHandle.TryOpen(child);
            // The pidfd pins the process; checking again after opening it proves the pid was not reused in between.
            if (handle is null || !ProcessTree.Children(lxcAttach.Pid).Contains(child) || !InContainer(child, host) || !lxcAttach.TrySignal(0))
            {
                continue;
            }
            return handle.TrySignal(signal);
        }
        return false;
    }

    private static bool InContainer(int pid, string? hostNamespace) =>
        ProcessTree.PidNamespace(pid) is { } own && own != hostNamespace;
}
