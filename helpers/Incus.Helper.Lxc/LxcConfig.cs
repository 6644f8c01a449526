using System.Globalization;
using System.Text;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Lxc;

/// <summary>
/// Builds a container's LXC config from validated, typed values. Every line is written here; names
/// and paths are checked before use, so no caller value can add a line (CVE-2026-23953 was a newline).
/// </summary>
public static class LxcConfig
{
    public static string Build(ContainerSpec spec, string rootfs, string logFile)
    {
        string name = InstanceNames.Validate(spec.Instance);
        foreach (string path in new[] { rootfs, logFile })
        {
            if (!Path.IsPathFullyQualified(path) || path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                throw new HelperRequestException("derived paths must be absolute and free of spaces and control characters");
            }
        }
        var config = new StringBuilder();
        void Line(string key, string value) => config.Append(key).Append(" = ").Append(value).Append('\n');

        Line("lxc.uts.name", name);
        Line("lxc.rootfs.path", $"dir:{rootfs}");
        if (spec.Privileged)
        {
            Line("lxc.mount.auto", "proc:mixed sys:mixed cgroup:mixed");
            // As Incus does for privileged containers: no clock, module or raw I/O control.
            Line("lxc.cap.drop", "sys_time sys_module sys_rawio");
        }
        else
        {
            // The rootfs stays owned by 0 on disk; an idmapped mount shows it to the container as its own.
            Line("lxc.rootfs.options", "idmap=container");
            Line("lxc.idmap", string.Create(CultureInfo.InvariantCulture, $"u 0 {spec.IdmapStart} {spec.IdmapSize}"));
            Line("lxc.idmap", string.Create(CultureInfo.InvariantCulture, $"g 0 {spec.IdmapStart} {spec.IdmapSize}"));
            Line("lxc.mount.auto", "proc:mixed sys:mixed cgroup:mixed:force");
        }
        Line("lxc.cgroup.relative", "1");
        if (spec.Nics.Count == 0)
        {
            Line("lxc.net.0.type", "empty");
        }
        for (int i = 0; i < spec.Nics.Count; i++)
        {
            // phys: the net helper made the veth; LXC only moves the peer in and renames it.
            var nic = spec.Nics[i];
            string prefix = string.Create(CultureInfo.InvariantCulture, $"lxc.net.{i}");
            Line($"{prefix}.type", "phys");
            Line($"{prefix}.link", RequestValidation.InterfaceName(nic.Link, "nics.link"));
            Line($"{prefix}.name", RequestValidation.InterfaceName(nic.Name, "nics.name"));
            Line($"{prefix}.flags", "up");
            if (nic.Mtu is int mtu)
            {
                Line($"{prefix}.mtu", RequestValidation.Mtu(mtu, "nics.mtu").ToString(CultureInfo.InvariantCulture));
            }
            if (NicAddressing.Normalize(nic.Addresses) is { } addresses)
            {
                foreach (string address in addresses.Ipv4)
                {
                    // An explicit 0.0.0.0 broadcast for a /32: otherwise LXC derives one and the address gets a brd.
                    Line($"{prefix}.ipv4.address", address.EndsWith("/32", StringComparison.Ordinal) ? $"{address} 0.0.0.0" : address);
                }
                foreach (string address in addresses.Ipv6)
                {
                    Line($"{prefix}.ipv6.address", address);
                }
                if (addresses.Ipv4Gateway is { } v4Gateway)
                {
                    Line($"{prefix}.ipv4.gateway", v4Gateway);
                }
                if (addresses.Ipv6Gateway is { } v6Gateway)
                {
                    Line($"{prefix}.ipv6.gateway", v6Gateway);
                }
            }
        }
        Line("lxc.autodev", "1");
        Line("lxc.tty.max", "0");
        Line("lxc.pty.max", "64");
        Line("lxc.console.path", "none");
        // Host paths that name other containers are hidden inside every container.
        Line("lxc.mount.entry", "/dev/null proc/sched_debug none bind,optional,create=file 0 0");
        Line("lxc.mount.entry", "tmpfs sys/kernel/slab tmpfs ro,nosuid,nodev,noexec,size=0,optional 0 0");
        Line("lxc.log.file", logFile);
        Line("lxc.log.level", "INFO");
        return config.ToString();
    }
}
