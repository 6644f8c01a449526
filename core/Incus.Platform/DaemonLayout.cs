namespace Incus.Platform;

/// <summary>
/// Where things live under INCUS_DIR. Every process derives paths from here, so the supervisor,
/// the core and the helpers agree without passing paths around.
/// </summary>
public sealed record DaemonLayout(string Root)
{
    public const string DefaultRoot = "/var/lib/incus";

    public string ApiSocket => Path.Combine(Root, "unix.socket");
    public string DatabaseDirectory => Path.Combine(Root, "database");
    public string Database => Path.Combine(DatabaseDirectory, "local.db");
    public string LogDirectory => Path.Combine(Root, "logs");
    public string DaemonLog => Path.Combine(LogDirectory, "incusd.log");
    public string RunDirectory => Path.Combine(Root, "run");
    public string HelperStateRoot => Path.Combine(Root, "helpers");
    public string ImageDirectory => Path.Combine(Root, "images");
    /// <summary>The TLS listener's certificate (root-owned, 0644) and key (owned by the core's user, 0600).</summary>
    public string ServerCertificate => Path.Combine(Root, "server.crt");
    public string ServerKey => Path.Combine(Root, "server.key");

    public string HelperSocket(string helper) => Path.Combine(RunDirectory, $"helper-{helper}.socket");

    /// <summary>INCUS_DIR from --dir, then the environment, then the default.</summary>
    public static DaemonLayout Resolve(string? directoryOption)
    {
        string? chosen = directoryOption;
        if (string.IsNullOrEmpty(chosen))
        {
            chosen = System.Environment.GetEnvironmentVariable("INCUS_DIR");
        }
        if (string.IsNullOrEmpty(chosen))
        {
            chosen = DefaultRoot;
        }
        return new DaemonLayout(Path.GetFullPath(chosen));
    }
}
