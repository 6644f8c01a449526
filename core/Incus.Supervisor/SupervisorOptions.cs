using Incus.Platform;

namespace Incus.Supervisor;

/// <summary>The run contract of incusd: --dir (or INCUS_DIR), --group, --user, --debug, --verbose.</summary>
public sealed record SupervisorOptions(DaemonLayout Layout, string Group, string CoreUser, string LibraryDirectory, bool Debug, bool Verbose)
{
    public const string Usage = """
        Usage: incusd [--dir DIR] [--group GROUP] [--user USER] [--debug] [--verbose]

        Runs the Incus daemon in the foreground until SIGTERM or SIGINT.
          --dir DIR      state directory (default: $INCUS_DIR, else /var/lib/incus)
          --group GROUP  group allowed on the local socket (default: incus-admin)
          --user USER    unprivileged user for the API core (default: incus)
          --libdir DIR   where core/, helpers/ and plugins/ are installed
          --debug        debug logging
          --verbose      informational logging (default: warnings and lifecycle only)
        """;

    public static SupervisorOptions Parse(string[] args)
    {
        string? dir = null;
        string group = "incus-admin";
        string user = "incus";
        string? libdir = null;
        bool debug = false, verbose = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--dir": dir = Next(); break;
                case "--group": group = Next(); break;
                case "--user": user = Next(); break;
                case "--libdir": libdir = Next(); break;
                case "--debug": debug = true; break;
                case "--verbose": verbose = true; break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        libdir ??= Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, ".."));
        return new SupervisorOptions(DaemonLayout.Resolve(dir), group, user, libdir, debug, verbose);
    }
}
