using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;

namespace Incus.DriverCheck;

/// <summary>
/// The network driver contract (<see cref="INetworkDriver"/>), checked by behaviour in the scratch
/// namespace, in the daemon's order: validate, fill, apply. Apply makes the kernel interface named after
/// the network with the configured addresses, a second apply changes nothing, a changed config is
/// applied in place, and delete leaves no link, no dnsmasq and no file behind, also when repeated.
/// The configs use the keys of Incus's bridge networks and documentation addresses only.
/// </summary>
public sealed class NetworkDriverChecks
{
    private const string Network = "dcnet0";

    private static readonly Dictionary<string, string> First = new(StringComparer.Ordinal)
    {
        ["ipv4.address"] = "192.0.2.1/24", ["ipv6.address"] = "2001:db8:d0::1/64", ["ipv4.nat"] = "false", ["ipv6.nat"] = "false",
    };

    private static readonly Dictionary<string, string> Changed = new(StringComparer.Ordinal)
    {
        ["ipv4.address"] = "198.51.100.1/24", ["ipv6.address"] = "2001:db8:d1::1/64", ["ipv4.nat"] = "false", ["ipv6.nat"] = "false",
    };

    private static readonly DnsmasqHostEntry Host = new() { HwAddr = "00:00:5e:00:53:02", Ipv4Address = "198.51.100.20", Name = "check" };

    private readonly INetworkDriver _driver;
    private readonly string _prefix;
    private NetTestbed? _testbed;
    private IReadOnlyDictionary<string, string> _firstFilled = First;
    private IReadOnlyDictionary<string, string> _changedFilled = Changed;
    private TreeSnapshot? _filesBefore;
    private IReadOnlySet<string>? _linksBefore;
    private string? _applied;

    public NetworkDriverChecks(INetworkDriver driver)
    {
        ArgumentNullException.ThrowIfNull(driver);
        _driver = driver;
        _prefix = $"{driver.Name}: ";
        Rows = BuildRows();
    }

    public IReadOnlyList<ConformanceRow> Rows { get; }

    private NetTestbed Testbed => _testbed ?? throw new InvalidOperationException("the testbed is not set up");

    public async Task<IReadOnlyList<CheckResult>> RunAsync(NetTestbed testbed)
    {
        ArgumentNullException.ThrowIfNull(testbed);
        _testbed = testbed;
        var results = new List<CheckResult>();
        foreach (var row in Rows)
        {
            results.Add(await row.RunAsync(() => testbed.RecentOutput).ConfigureAwait(false));
        }
        return results;
    }

    private NetworkContext Context(IReadOnlyDictionary<string, string> config, params DnsmasqHostEntry[] hosts) =>
        new() { Name = Network, Config = config, Hosts = hosts, Helper = Testbed.Net };

    private ConformanceRow Refuses(string key, string value) =>
        ConformanceRow.Validation($"{_prefix}validation: refuses {key}={value}", _driver.ValidateConfig, new Dictionary<string, string>(First) { [key] = value }, mustRefuse: true);

    private List<ConformanceRow> BuildRows() =>
    [
        new(_prefix + "name and version", () => DriverNames.Check(_driver.Name, _driver.Version)),
        ConformanceRow.Validation($"{_prefix}validation: accepts {Shown(First)}", _driver.ValidateConfig, First, mustRefuse: false),
        ConformanceRow.Validation($"{_prefix}validation: refuses an unknown key", _driver.ValidateConfig,
            new Dictionary<string, string>(First) { ["conformance.no-such-key"] = "1" }, mustRefuse: true),
        Refuses("ipv4.address", "192.0.2.300/24"),
        Refuses("ipv6.address", "2001:db8:d0::1/129"),
        Refuses("bridge.mtu", "100"),
        Refuses("dns.mode", "sometimes"),
        Refuses("ipv4.nat", "maybe"),
        new(_prefix + "fill: FillConfig keeps every value it was given and its result validates", () =>
        {
            _firstFilled = Fill(First);
            _changedFilled = Fill(Changed);
            return Task.FromResult(Shown(_firstFilled));
        }),
        new(_prefix + "apply: the interface exists, is up and has the configured addresses", async () =>
        {
            _filesBefore = TreeSnapshot.Take(Testbed.IncusDirectory, "logs", "helpers");
            _linksBefore = await NetTestbed.LinkNamesAsync().ConfigureAwait(false);
            await _driver.ApplyAsync(Context(_firstFilled), CancellationToken.None).ConfigureAwait(false);
            var link = await ExpectAddressesAsync(First, null).ConfigureAwait(false);
            _applied = State(link);
            return $"{link}; dnsmasq: {Dnsmasq()}";
        }),
        new(_prefix + "apply again: idempotent, the same interface, addresses and dnsmasq", async () =>
        {
            string before = _applied ?? throw new CheckFailedException("not run: the first apply failed");
            await _driver.ApplyAsync(Context(_firstFilled), CancellationToken.None).ConfigureAwait(false);
            var link = await ExpectAddressesAsync(First, null).ConfigureAwait(false);
            string after = State(link);
            return after == before ? after : throw new CheckFailedException($"the second apply changed the kernel state: before {before}; after {after}");
        }),
        new(_prefix + "update: applying a changed config replaces the addresses", async () =>
        {
            _ = _applied ?? throw new CheckFailedException("not run: the first apply failed");
            await _driver.ApplyAsync(Context(_changedFilled), CancellationToken.None).ConfigureAwait(false);
            return (await ExpectAddressesAsync(Changed, First).ConfigureAwait(false)).ToString();
        }),
        new(_prefix + "hosts: SetHostsAsync takes a host entry and ListLeasesAsync lists it as static", async () =>
        {
            _ = _applied ?? throw new CheckFailedException("not run: the first apply failed");
            await _driver.SetHostsAsync(Context(_changedFilled, Host), CancellationToken.None).ConfigureAwait(false);
            var leases = await _driver.ListLeasesAsync(Context(_changedFilled, Host), CancellationToken.None).ConfigureAwait(false);
            string shown = leases.Count == 0 ? "none" : string.Join(", ", leases.Select(l => $"{l.Address} {l.HwAddr} {l.Type}"));
            return leases.Any(l => l.Address == Host.Ipv4Address && string.Equals(l.HwAddr, Host.HwAddr, StringComparison.OrdinalIgnoreCase) && l.Type == "static")
                ? shown
                : throw new CheckFailedException($"ListLeasesAsync does not list {Host.Ipv4Address} {Host.HwAddr} as static; it lists: {shown}");
        }),
        new(_prefix + "delete: no interface, no dnsmasq and no file in the helper's directory is left", DeleteAsync),
        new(_prefix + "delete again: a second delete is harmless and leaves nothing", DeleteAsync),
    ];

    private Dictionary<string, string> Fill(Dictionary<string, string> config)
    {
        var filled = _driver.FillConfig(Network, config, []);
        var changed = config.Where(kv => filled.GetValueOrDefault(kv.Key) != kv.Value).Select(kv => $"{kv.Key}={kv.Value} became {filled.GetValueOrDefault(kv.Key) ?? "absent"}").ToList();
        if (changed.Count > 0)
        {
            throw new CheckFailedException($"FillConfig changed what it was given: {string.Join("; ", changed)}");
        }
        return _driver.ValidateConfig(filled) is { } error
            ? throw new CheckFailedException($"ValidateConfig refuses what FillConfig returned ({Shown(filled)}): {error}")
            : filled;
    }

    private async Task<KernelLink> ExpectAddressesAsync(Dictionary<string, string> wanted, Dictionary<string, string>? gone)
    {
        var link = await NetTestbed.LinkAsync(Network).ConfigureAwait(false) ?? throw new CheckFailedException($"no interface {Network} in the namespace");
        if (!link.Up)
        {
            throw new CheckFailedException($"the interface is down: {link}");
        }
        var missing = new[] { wanted["ipv4.address"], wanted["ipv6.address"] }.Where(a => !link.Addresses.Contains(a)).ToList();
        var stale = gone is null ? [] : new[] { gone["ipv4.address"], gone["ipv6.address"] }.Where(link.Addresses.Contains).ToList();
        if (missing.Count > 0 || stale.Count > 0)
        {
            throw new CheckFailedException($"{(missing.Count > 0 ? $"missing {string.Join(", ", missing)}; " : "")}{(stale.Count > 0 ? $"still has {string.Join(", ", stale)}; " : "")}{link}");
        }
        return link;
    }

    private async Task<string> DeleteAsync()
    {
        await _driver.DeleteAsync(Context(_changedFilled), CancellationToken.None).ConfigureAwait(false);
        var left = new List<string>();
        var links = await NetTestbed.LinkNamesAsync().ConfigureAwait(false);
        if (_linksBefore is not null)
        {
            left.AddRange(links.Except(_linksBefore).Order(StringComparer.Ordinal).Select(l => $"link {l}"));
        }
        else if (links.Contains(Network))
        {
            left.Add($"link {Network}");
        }
        left.AddRange(NetTestbed.DnsmasqProcesses().Select(p => $"dnsmasq {p}"));
        if (_filesBefore is not null)
        {
            // The helper's audit log is the harness's, and its own records (helpers/) are checked through
            // ListOwnedLinksAsync below; the networks directory is the helper's root for per-network files,
            // made on first use. Everything else, including anything inside networks/, is the driver's doing.
            left.AddRange(_filesBefore.Differences(TreeSnapshot.Take(Testbed.IncusDirectory, "logs", "helpers"))
                .Where(change => change != "+networks").Select(change => $"file {change}"));
        }
        if ((await Testbed.Net.ListOwnedLinksAsync().ConfigureAwait(false)).Contains(Network))
        {
            left.Add($"the helper still records {Network} as owned");
        }
        return left.Count == 0 ? $"links: {string.Join(", ", links.Order(StringComparer.Ordinal))}; no dnsmasq; no new file" : throw new CheckFailedException($"left behind: {string.Join("; ", left.Take(10))}");
    }

    /// <summary>What must not change on a second apply: the interface (its index), its addresses and the dnsmasq processes.</summary>
    private static string State(KernelLink link) =>
        $"ifindex {File.ReadAllText($"/sys/class/net/{link.Name}/ifindex").Trim()}, {string.Join(" ", link.Addresses.Order(StringComparer.Ordinal))}, dnsmasq: {Dnsmasq()}";

    private static string Dnsmasq() => NetTestbed.DnsmasqProcesses() is { Count: > 0 } running ? string.Join("; ", running.Select(p => p.Split(':')[0])) : "none";

    private static string Shown(IReadOnlyDictionary<string, string> config) => string.Join(", ", config.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
