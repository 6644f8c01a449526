namespace Incus.Bench;

/// <summary>
/// Hand-written parsing: the tool has one command and a handful of options, and staying free of package
/// references keeps it buildable on its own.
/// </summary>
public static class BenchOptionsParser
{
    public const string Usage = """
        usage: incus-bench api [options]
               incus-bench all [options]   (every figure of the suite; see incus-bench all --help)

        Measures GET requests/second over the daemon's Unix socket (or TLS) with keep-alive connections
        (closed loop: each connection sends its next request after reading the whole previous answer).

          --socket PATH        our daemon's socket (default: $INCUS_DIR/unix.socket, else /var/lib/incus/unix.socket)
          --lxd-socket PATH    also measure LXD there, right after ours (default: $LXD_SOCKET if set)
          --https HOST:PORT    measure our daemon over TLS there instead of over its socket
          --lxd-https HOST:PORT  measure LXD over TLS there instead of over its socket
          --cert FILE --key FILE  client certificate (PEM) for TLS; it should be trusted by both
                               servers, or GET /1.0 is measured as an untrusted client
          --path PATH          request path (default: /1.0)
          --requests N         timed requests per run, over all connections (default: 20000)
          --connections LIST   comma-separated connection counts (default: 1,16)
          --warmup N           untimed warm-up requests per connection (default: 50)
          --json FILE          also write the figures as JSON
          -h, --help           show this text

        Socket completions run inline on the runtime's epoll thread to keep the client cheap; set
        DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 to use the thread pool instead.

        Exit status: 0 on success, 1 if a target answered anything but 200 or failed, 2 on bad usage.
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        int position = 0;
        // The command is optional so "incus-bench --requests 100" works too; "api" is the only one.
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            if (args[0] != "api")
            {
                throw new UsageException($"unknown command \"{args[0]}\"");
            }

            position = 1;
        }

        string? socketPath = null;
        string? lxdSocketPath = null;
        string requestPath = "/1.0";
        int requests = 20000;
        IReadOnlyList<int> connectionCounts = [1, 16];
        int warmup = 50;
        string? jsonFile = null;
        bool showHelp = false;
        string? https = null, lxdHttps = null, certificate = null, key = null;

        while (position < args.Count)
        {
            string argument = args[position++];
            string name = argument;
            string? inlineValue = null;
            int equals = argument.IndexOf('=');
            if (argument.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = argument[..equals];
                inlineValue = argument[(equals + 1)..];
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (position >= args.Count)
                {
                    throw new UsageException($"{name} needs a value");
                }

                return args[position++];
            }

            switch (name)
            {
                case "-h" or "--help":
                    showHelp = true;
                    break;
                case "--socket":
                    socketPath = Value();
                    break;
                case "--lxd-socket":
                    lxdSocketPath = Value();
                    break;
                case "--https":
                    https = Value();
                    break;
                case "--lxd-https":
                    lxdHttps = Value();
                    break;
                case "--cert":
                    certificate = Value();
                    break;
                case "--key":
                    key = Value();
                    break;
                case "--path":
                    requestPath = Value();
                    break;
                case "--requests":
                    requests = ParseCount(name, Value(), minimum: 1);
                    break;
                case "--connections":
                    connectionCounts = ParseConnectionCounts(Value());
                    break;
                case "--warmup":
                    warmup = ParseCount(name, Value(), minimum: 0);
                    break;
                case "--json":
                    jsonFile = Value();
                    break;
                default:
                    throw new UsageException($"unknown option \"{argument}\"");
            }
        }

        // The path is pasted into the request line, so anything that could break the line is refused.
        if (!requestPath.StartsWith('/') || requestPath.Any(c => c <= ' ' || c > '~'))
        {
            throw new UsageException($"--path must start with '/' and contain only printable ASCII without spaces: \"{requestPath}\"");
        }

        if ((certificate is null) != (key is null))
        {
            throw new UsageException("--cert and --key go together");
        }

        var clientCertificate = certificate is null ? null
            : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certificate, key);

        string? lxdSource = null;
        if (lxdHttps is not null)
        {
            lxdSource = "--lxd-https";
        }
        else if (!string.IsNullOrEmpty(lxdSocketPath))
        {
            lxdSource = "--lxd-socket";
        }
        else
        {
            lxdSocketPath = Environment.GetEnvironmentVariable("LXD_SOCKET");
            if (!string.IsNullOrEmpty(lxdSocketPath))
            {
                lxdSource = "LXD_SOCKET";
            }
            else
            {
                lxdSocketPath = null;
            }
        }

        return new BenchOptions
        {
            ShowHelp = showHelp,
            SocketPath = socketPath ?? DefaultSocketPath(),
            LxdSocketPath = lxdSocketPath,
            LxdSocketSource = lxdSource,
            Https = https is null ? null : ParseEndpoint("--https", https, clientCertificate),
            LxdHttps = lxdHttps is null ? null : ParseEndpoint("--lxd-https", lxdHttps, clientCertificate),
            RequestPath = requestPath,
            Requests = requests,
            ConnectionCounts = connectionCounts,
            WarmupPerConnection = warmup,
            JsonFile = jsonFile,
        };
    }

    // Same rule as the daemon's layout: INCUS_DIR wins, else the packaged location.
    private static string DefaultSocketPath()
    {
        string? incusDir = Environment.GetEnvironmentVariable("INCUS_DIR");
        return Path.Combine(string.IsNullOrEmpty(incusDir) ? "/var/lib/incus" : incusDir, "unix.socket");
    }

    private static TlsEndpoint ParseEndpoint(string option, string text,
        System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
        {
            throw new UsageException($"{option} needs HOST:PORT, not \"{text}\"");
        }

        return new TlsEndpoint(text[..colon].Trim('[', ']'), port, clientCertificate);
    }

    private static int ParseCount(string option, string text, int minimum)
    {
        if (!int.TryParse(text, out int value) || value < minimum)
        {
            throw new UsageException($"{option} needs a whole number >= {minimum}, not \"{text}\"");
        }

        return value;
    }

    private static List<int> ParseConnectionCounts(string text)
    {
        var counts = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            counts.Add(ParseCount("--connections", part, minimum: 1));
        }

        if (counts.Count == 0)
        {
            throw new UsageException("--connections needs at least one count, e.g. 1,16");
        }

        return counts;
    }
}
