using System.Reflection;

namespace Incus.Daemon.Server;

/// <summary>
/// The daemon's release version. As in Incus, X.0.Z is a long-term-support release and X.Y is a
/// feature release; there is no other LTS marker.
/// </summary>
public static class DaemonVersion
{
    public static string Current { get; } =
        typeof(DaemonVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0";

    public static bool IsLts(string version)
    {
        string[] parts = version.Split('.');
        return parts.Length == 3 && parts[1] == "0";
    }
}
