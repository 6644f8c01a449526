namespace Incus.Daemon.Exec;

/// <summary>
/// The environment a command run with exec gets: what the client sent, on top of the defaults Incus
/// gives (lxc-attach starts from an empty one, so without them a shell finds no programs).
/// </summary>
public static class ExecEnvironment
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// <paramref name="requested"/> with PATH and LANG added when missing, and HOME and USER too when
    /// the command runs as root (uid 0); another user's home is not known to the daemon.
    /// </summary>
    public static Dictionary<string, string> WithDefaults(IReadOnlyDictionary<string, string>? requested, uint uid)
    {
        var environment = new Dictionary<string, string>(requested ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        environment.TryAdd("PATH", DefaultPath);
        environment.TryAdd("LANG", "C.UTF-8");
        if (uid == 0)
        {
            environment.TryAdd("HOME", "/root");
            environment.TryAdd("USER", "root");
        }
        return environment;
    }
}
