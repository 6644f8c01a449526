using Incus.Platform;

namespace Incus.Daemon;

/// <summary>The core's command line, written by the supervisor.</summary>
public sealed record CoreOptions(DaemonLayout Layout, int ListenFd, uint SocketGroupId, string SocketGroup, string LibraryDirectory, bool Debug, bool Verbose)
{
    public string PluginDirectory => Path.Combine(LibraryDirectory, "plugins");

    public static CoreOptions Parse(string[] args)
    {
        string? dir = null, libdir = null, group = null;
        int? fd = null;
        uint? gid = null;
        bool debug = false, verbose = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--dir": dir = Next(); break;
                case "--listen-fd": fd = int.Parse(Next()); break;
                case "--socket-group-id": gid = uint.Parse(Next()); break;
                case "--socket-group": group = Next(); break;
                case "--libdir": libdir = Next(); break;
                case "--debug": debug = true; break;
                case "--verbose": verbose = true; break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        return new CoreOptions(
            DaemonLayout.Resolve(dir),
            fd ?? throw new ArgumentException("--listen-fd is required"),
            gid ?? throw new ArgumentException("--socket-group-id is required"),
            group ?? "incus-admin",
            libdir ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..")),
            debug,
            verbose);
    }
}
