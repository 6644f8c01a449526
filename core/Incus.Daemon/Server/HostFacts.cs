using System.Runtime.InteropServices;

namespace Incus.Daemon.Server;

/// <summary>Facts about the host read once at start for <c>GET /1.0</c>.</summary>
public sealed record HostFacts(string Kernel, string KernelVersion, string KernelArchitecture, string OsName, string OsVersion, string Hostname)
{
    public static HostFacts Read()
    {
        string osName = "", osVersion = "";
        if (File.Exists("/etc/os-release"))
        {
            foreach (string line in File.ReadLines("/etc/os-release"))
            {
                if (line.StartsWith("NAME=", StringComparison.Ordinal))
                {
                    osName = line[5..].Trim('"');
                }
                else if (line.StartsWith("VERSION_ID=", StringComparison.Ordinal))
                {
                    osVersion = line[11..].Trim('"');
                }
            }
        }
        string architecture = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            Architecture.Arm => "armv7l",
            var other => other.ToString().ToLowerInvariant(),
        };
        return new HostFacts("Linux", File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), architecture, osName, osVersion,
            File.ReadAllText("/proc/sys/kernel/hostname").Trim());
    }

    public IReadOnlyList<string> Architectures => KernelArchitecture == "x86_64" ? ["x86_64", "i686"] : [KernelArchitecture];
}
