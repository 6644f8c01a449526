using Incus.Api;
using Incus.Daemon.Database;
using Incus.Daemon.Plugins;
using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.Daemon.Server;

/// <summary>
/// What <c>GET /1.0</c> shows and what <c>PUT/PATCH /1.0</c> change. The environment part is built
/// once per change, not per request.
/// </summary>
public sealed class ServerState(ServerConfigStore config, HostFacts host, PluginHost plugins, DriverRegistry drivers)
{
    private readonly Lock _gate = new();
    private IReadOnlyList<HardeningStatus> _hardening = [];
    private Dictionary<string, string>? _config;
    // GET /1.0 is the most frequent request (every client command starts with it); its answer changes
    // only with the config or the hardening report, so it is serialised once per change and user.
    private readonly Dictionary<string, (byte[] Envelope, string ETag)> _trustedAnswers = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>The TLS certificate, once loaded; shown in the trusted environment.</summary>
    public ServerIdentity? Identity { get; set; }

    /// <summary>The firewall driver in use (empty when none works), for <c>environment.firewall</c>.</summary>
    public Func<string> FirewallName { get; set; } = () => "";

    /// <summary>Where the TLS listener is reachable (empty when it is off).</summary>
    public Func<IReadOnlyList<string>> ListenAddresses { get; set; } = () => [];

    public Dictionary<string, string> Config
    {
        get
        {
            lock (_gate)
            {
                return _config ??= config.GetAll();
            }
        }
    }

    /// <summary>Keeps the helper's report for <c>GET /1.0</c> and returns it in the API's shape.</summary>
    public IReadOnlyList<HardeningStatus> RecordHardening(HostHardeningReport report)
    {
        var statuses = report.Paths.Select(p => new HardeningStatus { Path = p.Path, Outcome = p.Outcome, Mode = p.Mode, Detail = p.Detail }).ToArray();
        lock (_gate)
        {
            _hardening = statuses;
            Invalidate();
        }
        return statuses;
    }

    public void RecordHardeningFailure(string reason)
    {
        lock (_gate)
        {
            _hardening = [new HardeningStatus { Path = "", Outcome = "failed", Detail = reason }];
            Invalidate();
        }
    }

    /// <summary>Validates every key first, then writes all of them in one transaction, or none.</summary>
    /// <param name="ifMatch">The request's If-Match; checked under the same lock as the write, so a concurrent change gives 412.</param>
    public string? ApplyConfig(IReadOnlyDictionary<string, string?> requested, bool replace, string? ifMatch = null)
    {
        var cleaned = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in requested)
        {
            string text = value ?? "";
            // Removing a key that is set is always allowed; anything else must be a key we implement.
            bool removingExisting = text.Length == 0 && Config.ContainsKey(key);
            if (!removingExisting && ServerConfigKeys.Validate(key, text) is { } error)
            {
                return error;
            }
            cleaned[key] = text;
        }
        lock (_gate)
        {
            Api.Etags.Check(ifMatch, new ServerPut { Config = (_config ??= config.GetAll())! });
            Invalidate();
            _config = replace
                ? config.Replace(cleaned.Where(kv => kv.Value.Length > 0).ToDictionary())
                : config.Patch(cleaned);
        }
        return null;
    }

    /// <summary>The whole <c>GET /1.0</c> sync envelope for a trusted user, and its ETag.</summary>
    public (byte[] Envelope, string ETag) TrustedAnswer(string userName, string method = "unix")
    {
        long version;
        string key = $"{method}\n{userName}";
        lock (_gate)
        {
            if (_trustedAnswers.TryGetValue(key, out var cached))
            {
                return cached;
            }
            version = _version;
        }
        var info = Trusted(userName, method);
        var answer = (Api.EnvelopeWriter.SerializeSync(info), Api.Etags.Of(new ServerPut { Config = info.Config! }));
        lock (_gate)
        {
            // A change may have landed while serialising; cache only what is still current.
            if (version == _version)
            {
                _trustedAnswers[key] = answer;
            }
        }
        return answer;
    }

    /// <summary>
    /// <c>GET /1.0</c> for an untrusted TLS client: no extensions, no environment, and of the config
    /// only the <c>user.ui.*</c> keys, which a web UI needs before login.
    /// </summary>
    public ServerInfo Untrusted() => new()
    {
        Config = Config.Where(kv => kv.Key.StartsWith("user.ui.", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal),
        Auth = "untrusted",
        AuthMethods = ["tls"],
    };

    /// <summary>Drops the cached answers after a change they show that is not in the config (the listener's addresses).</summary>
    public void ListenerChanged()
    {
        lock (_gate)
        {
            Invalidate();
        }
    }

    /// <summary>Drops cached answers; called under the lock on every change they depend on.</summary>
    private void Invalidate()
    {
        _version++;
        _trustedAnswers.Clear();
    }

    public ServerInfo Trusted(string userName, string method = "unix")
    {
        IReadOnlyList<HardeningStatus> hardening;
        lock (_gate)
        {
            hardening = _hardening;
        }
        string version = DaemonVersion.Current;
        return new ServerInfo
        {
            Config = Config,
            ApiExtensions = ApiExtensions.Implemented,
            Auth = "trusted",
            AuthMethods = ["tls"],
            AuthUserName = userName,
            AuthUserMethod = method,
            Environment = new ServerEnvironment
            {
                Addresses = ListenAddresses(),
                Certificate = Identity?.Pem ?? "",
                CertificateFingerprint = Identity?.Fingerprint ?? "",
                Architectures = host.Architectures,
                Firewall = FirewallName(),
                Kernel = host.Kernel,
                KernelArchitecture = host.KernelArchitecture,
                KernelVersion = host.KernelVersion,
                OsName = host.OsName,
                OsVersion = host.OsVersion,
                ServerName = host.Hostname,
                ServerPid = Environment.ProcessId,
                ServerVersion = version,
                Storage = string.Join(" | ", drivers.Storage.Keys),
                StorageVersion = string.Join(" | ", drivers.Storage.Values.Select(d => d.Version)),
                StorageSupportedDrivers = drivers.Storage.Values.Select(d => new StorageDriverInfo { Name = d.Name, Version = d.Version }).ToArray(),
                HostHardening = hardening,
                Plugins = plugins.Statuses,
            },
        };
    }
}
