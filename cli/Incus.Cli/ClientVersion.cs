using System.Reflection;

namespace Incus.Cli;

/// <summary>The CLI's version and how to describe it (X.0.Z is LTS, X.Y a feature release).</summary>
public static class ClientVersion
{
    public static string Current { get; } =
        typeof(ClientVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0";

    public static string Describe(string version)
    {
        string[] parts = version.Split('.');
        return parts.Length == 3 && parts[1] == "0" ? $"{version} (LTS)" : $"{version} (feature release)";
    }
}
