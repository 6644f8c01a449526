namespace Incus.Helpers;

/// <summary>
/// Command line of a helper, as the supervisor writes it. The supervisor is the helper's parent and
/// runs as root, so these values are trusted; nothing here comes from the core.
/// </summary>
public sealed record HelperOptions(int ListenFd, uint CallerUid, string IncusDir, bool Debug)
{
    public string StateDirectory(string helper) => Path.Combine(IncusDir, "helpers", helper);

    public string AuditLogPath => Path.Combine(IncusDir, "logs", "audit.log");

    public static HelperOptions Parse(string[] args)
    {
        int? fd = null;
        uint? uid = null;
        string? dir = null;
        bool debug = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--listen-fd": fd = int.Parse(Next()); break;
                case "--caller-uid": uid = uint.Parse(Next()); break;
                case "--dir": dir = Next(); break;
                case "--debug": debug = true; break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        return new HelperOptions(
            fd ?? throw new ArgumentException("--listen-fd is required"),
            uid ?? throw new ArgumentException("--caller-uid is required"),
            dir ?? throw new ArgumentException("--dir is required"),
            debug);
    }
}
