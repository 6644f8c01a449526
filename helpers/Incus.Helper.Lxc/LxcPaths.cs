namespace Incus.Helpers.Lxc;

/// <summary>
/// Where LXC's per-container directories (config, log) live and where root filesystems are; both
/// derived from the daemon directory given on the helper's command line.
/// </summary>
public sealed record LxcPaths(string IncusDir)
{
    /// <summary>
    /// LXC's lxcpath: one directory per container (config and log). Container root must be able to
    /// traverse it, so it is 0711 and not under the helpers' root-only state directory.
    /// </summary>
    public string ContainersRoot => Path.Combine(IncusDir, "containers");

    /// <summary>The daemon's run directory (root:incus 0750), where one-use exec sockets are made for the core.</summary>
    public string RunDirectory => Path.Combine(IncusDir, "run");

    public string Rootfs(string pool, string instance) => Path.Combine(IncusDir, "storage-pools", pool, "containers", instance, "rootfs");
}
