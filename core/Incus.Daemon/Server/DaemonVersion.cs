using System.Reflection;

namespace Incus.Daemon.Server;

/// <summary>
/// The daemon's release version. As in Incus, X.0.Z is a long-term-support release and X.Y is a
/// feature release; the API has no other LTS marker, so clients read it from the version's shape.
/// </summary>
public static class DaemonVersion
{
    public static string Current { get; } =
        typeof(DaemonVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0";
}
