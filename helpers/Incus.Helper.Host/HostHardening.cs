namespace Incus.Helpers.Host;

/// <summary>
/// The fixed list of host paths that leak container names, and the mode each one gets. The list is
/// part of the helper, never of a request.
/// </summary>
public sealed record HostHardening(string SchedDebugPath, string SlabPath, string DebugfsSchedPath)
{
    public static readonly HostHardening Default = new("/proc/sched_debug", "/sys/kernel/slab", "/sys/kernel/debug/sched/debug");

    public const UnixFileMode SchedDebugMode = UnixFileMode.UserRead;
    public const UnixFileMode SlabMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
}
