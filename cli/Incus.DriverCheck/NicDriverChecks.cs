using Incus.Sdk.Drivers;

namespace Incus.DriverCheck;

/// <summary>
/// The NIC device driver contract (<see cref="INicDeviceDriver"/>), checked by behaviour in the scratch
/// namespace: validation answers with messages, start makes the host side and the link to hand to the
/// container, stop leaves no link behind and is harmless when repeated or when nothing was started.
/// The parent is made by the kit as an administrator would: a kernel bridge for NICs that join one, a
/// veth uplink for NICs that take a host interface (<see cref="INicDeviceDriver.TakesHostParent"/>).
/// The NIC gets no addresses and no firewall, so the rows check what every such driver must do.
/// </summary>
public sealed class NicDriverChecks
{
    public const string HostBridge = "dcbr0";
    public const string HostUplink = "dcup0";
    private const string HostName = "dch-nic0";
    private const string NeverStartedHostName = "dch-nic1";

    // RFC 7042 documentation MAC.
    private const string HwAddr = "00:00:5e:00:53:01";

    private readonly INicDeviceDriver _driver;
    private readonly string _prefix;
    private NetTestbed? _testbed;
    private NicAttachment? _attachment;
    private string? _startFailure;
    private IReadOnlySet<string>? _linksBeforeStart;

    public NicDriverChecks(INicDeviceDriver driver)
    {
        ArgumentNullException.ThrowIfNull(driver);
        _driver = driver;
        _prefix = $"{driver.Name}: ";
        Rows = BuildRows();
    }

    public IReadOnlyList<ConformanceRow> Rows { get; }

    private string Parent => _driver.TakesHostParent ? HostUplink : HostBridge;

    private string ParentDescription => _driver.TakesHostParent ? "a veth uplink" : "a kernel bridge the daemon does not manage";

    private Dictionary<string, string> Minimal => new(StringComparer.Ordinal) { ["type"] = "nic", ["nictype"] = _driver.Name, ["parent"] = Parent };

    private NetTestbed Testbed => _testbed ?? throw new InvalidOperationException("the testbed is not set up");

    /// <summary>Makes the parent in the scratch namespace, then runs every row on <paramref name="testbed"/>.</summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(NetTestbed testbed)
    {
        ArgumentNullException.ThrowIfNull(testbed);
        _testbed = testbed;
        try
        {
            // A veth stands in for the uplink: its far end is the upstream network (dummy links need a module
            // that not every kernel has).
            await NetTestbed.IpAsync(_driver.TakesHostParent ? ["link", "add", Parent, "type", "veth", "peer", "name", HostUplink + "p"] : ["link", "add", Parent, "type", "bridge"])
                .ConfigureAwait(false);
            await NetTestbed.IpAsync("link", "set", Parent, "up").ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            return NamespacedKitRun.NotRun(Rows.Select(r => r.Name), $"the parent {Parent} could not be made: {ex.Message}");
        }
        var results = new List<CheckResult>();
        foreach (var row in Rows)
        {
            results.Add(await row.RunAsync(() => testbed.RecentOutput).ConfigureAwait(false));
        }
        try
        {
            // The namespace is deleted after the run anyway; this keeps the next driver's baseline clean.
            await NetTestbed.IpAsync("link", "delete", Parent).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            // The rows ran and keep their results; only the cleanup is reported.
            results.Add(CheckResult.Fail($"{_prefix}teardown: the parent {Parent} is deleted", ex.Message));
        }
        return results;
    }

    private NicContext Context(string hostName) => new()
    {
        Instance = "check",
        Device = "eth0",
        Config = Minimal,
        Parent = Parent,
        NetworkConfig = new Dictionary<string, string>(),
        HwAddr = HwAddr,
        HostName = hostName,
        Helper = Testbed.Net,
    };

    private string? ValidateAsTheDaemonDoes(IReadOnlyDictionary<string, string> config) =>
        _driver.ValidateConfig(config) ?? (_driver.TakesHostParent ? null : _driver.ValidateUnmanagedParent(config));

    private ConformanceRow Refuses(string description, string key, string value) =>
        ConformanceRow.Validation($"{_prefix}validation: refuses {description}", ValidateAsTheDaemonDoes, new Dictionary<string, string>(Minimal) { [key] = value }, mustRefuse: true);

    private List<ConformanceRow> BuildRows()
    {
        var rows = new List<ConformanceRow>
        {
            new(_prefix + "name and version", () => DriverNames.Check(_driver.Name, _driver.Version)),
            ConformanceRow.Validation($"{_prefix}validation: accepts type, nictype and parent ({ParentDescription})", ValidateAsTheDaemonDoes, Minimal, mustRefuse: false),
            Refuses("an unknown key", "conformance.no-such-key", "1"),
            Refuses("hwaddr=01:00:5e:00:53:01 (a multicast MAC)", "hwaddr", "01:00:5e:00:53:01"),
            Refuses("mtu=100", "mtu", "100"),
            Refuses("host_name=dc/bad (not an interface name)", "host_name", "dc/bad"),
            new(_prefix + "start: the host side exists and is up" + (_driver.TakesHostParent ? "" : $", a port of the parent bridge"), StartAsync),
            new(_prefix + "start: the link to give the container exists, is the host side's peer and has the NIC's MAC", CheckAttachmentAsync),
            new(_prefix + "start: the host side takes no router advertisements (accept_ra=0 or IPv6 off)", CheckRouterAdvertisementsAsync),
        };
        if (_driver.TakesHostParent)
        {
            rows.Add(new(_prefix + "start: the routed host side filters reverse paths strictly (rp_filter=1)", CheckReversePathAsync));
        }
        rows.AddRange(
        [
            new(_prefix + "stop: no link of the NIC is left, in the kernel or in the helper's records", StopAsync),
            new(_prefix + "stop again: a second stop is harmless and leaves nothing", StopAsync),
            new(_prefix + "stop of a NIC that was never started is harmless", async () =>
            {
                var before = await NetTestbed.LinkNamesAsync().ConfigureAwait(false);
                await _driver.StopAsync(Context(NeverStartedHostName), CancellationToken.None).ConfigureAwait(false);
                return await ExpectLinksAsync(before, "StopAsync of a NIC that never started").ConfigureAwait(false);
            }),
        ]);
        return rows;
    }

    private async Task<string> StartAsync()
    {
        _linksBeforeStart = await NetTestbed.LinkNamesAsync().ConfigureAwait(false);
        try
        {
            _attachment = await _driver.StartAsync(Context(HostName), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _startFailure = $"{ex.GetType().Name}: {ex.Message}";
            throw new CheckFailedException($"StartAsync threw {_startFailure}");
        }
        var host = await NetTestbed.LinkAsync(HostName).ConfigureAwait(false) ?? throw new CheckFailedException($"no link {HostName} after StartAsync returned {_attachment.Link}");
        if (!host.Up)
        {
            throw new CheckFailedException($"the host side is down: {host}");
        }
        if (!_driver.TakesHostParent && host.Master != Parent)
        {
            throw new CheckFailedException($"the host side is not a port of {Parent}: {host}");
        }
        return host.ToString();
    }

    private NicAttachment Started => _attachment ?? throw new CheckFailedException($"not run: start failed ({_startFailure ?? "it did not run"})");

    private async Task<string> CheckAttachmentAsync()
    {
        var attachment = Started;
        if (attachment.Link == HostName)
        {
            throw new CheckFailedException($"StartAsync handed the host side {HostName} itself to the container");
        }
        var link = await NetTestbed.LinkAsync(attachment.Link).ConfigureAwait(false) ?? throw new CheckFailedException($"StartAsync returned link {attachment.Link}, which does not exist");
        if (!string.Equals(link.HwAddr, HwAddr, StringComparison.OrdinalIgnoreCase))
        {
            throw new CheckFailedException($"the link has MAC {link.HwAddr}, not the NIC's {HwAddr}: {link}");
        }
        if (link.Kind == "veth" && link.Peer != HostName)
        {
            throw new CheckFailedException($"the link is a veth whose peer is \"{link.Peer}\", not the host side {HostName}: {link}");
        }
        return link.ToString();
    }

    private Task<string> CheckRouterAdvertisementsAsync()
    {
        _ = Started;
        string? disabled = NetTestbed.InterfaceSysctl("ipv6", HostName, "disable_ipv6");
        string? acceptRa = NetTestbed.InterfaceSysctl("ipv6", HostName, "accept_ra");
        return disabled is null || disabled == "1" || acceptRa == "0"
            ? Task.FromResult($"disable_ipv6={disabled ?? "absent"}, accept_ra={acceptRa ?? "absent"}")
            : throw new CheckFailedException($"{HostName} has IPv6 on and accept_ra={acceptRa}: the instance could rewrite the host's routes");
    }

    private Task<string> CheckReversePathAsync()
    {
        _ = Started;
        string? rpFilter = NetTestbed.InterfaceSysctl("ipv4", HostName, "rp_filter");
        return rpFilter == "1"
            ? Task.FromResult("rp_filter=1")
            : throw new CheckFailedException($"{HostName} has rp_filter={rpFilter ?? "absent"}: the instance could send with any source address");
    }

    private async Task<string> StopAsync()
    {
        await _driver.StopAsync(Context(HostName), CancellationToken.None).ConfigureAwait(false);
        var owned = await Testbed.Net.ListOwnedLinksAsync().ConfigureAwait(false);
        var recorded = owned.Where(l => l == HostName || l == _attachment?.Link).ToList();
        if (recorded.Count > 0)
        {
            throw new CheckFailedException($"the helper still records as owned: {string.Join(", ", recorded)}");
        }
        return await ExpectLinksAsync(_linksBeforeStart ?? await NetTestbed.LinkNamesAsync().ConfigureAwait(false), "StopAsync").ConfigureAwait(false);
    }

    private static async Task<string> ExpectLinksAsync(IReadOnlySet<string> expected, string call)
    {
        var now = await NetTestbed.LinkNamesAsync().ConfigureAwait(false);
        var left = now.Except(expected).Order(StringComparer.Ordinal).ToList();
        var removed = expected.Except(now).Order(StringComparer.Ordinal).ToList();
        if (left.Count > 0 || removed.Count > 0)
        {
            throw new CheckFailedException($"after {call}: {(left.Count > 0 ? $"left behind: {string.Join(", ", left)}" : "")}{(removed.Count > 0 ? $" removed what it did not make: {string.Join(", ", removed)}" : "")}");
        }
        return $"links: {string.Join(", ", now.Order(StringComparer.Ordinal))}";
    }
}
