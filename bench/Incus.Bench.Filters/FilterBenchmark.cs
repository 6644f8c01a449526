using System.Diagnostics;
using System.Globalization;
using Incus.Platform;
using Incus.Sdk.Drivers;
using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;

namespace Incus.Bench.Filters;

/// <summary>
/// For one firewall driver: fills a bridge with filtered NICs (veth pairs, no containers) up to each
/// population, then times applying and removing the filter of one more NIC, the operation a user
/// triggers with <c>incus config device set … security.ipv4_filtering=true</c>; and, at the throughput
/// populations, compares iperf3 throughput between two NICs of the bridge with and without their filters.
/// </summary>
public sealed class FilterBenchmark(INetHelper helper, ScratchNetworkNamespace bridgeNamespace, IFirewallDriver driver, int rounds)
{
    private const string Bridge = "fbr0";
    private readonly List<string> _filtered = new();
    private int _created;

    /// <summary>The number each NIC was created with, by host name: its MAC and addresses derive from it.</summary>
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);

    /// <summary>How throughput is measured; null when iperf3 is not installed.</summary>
    public ThroughputSettings? Throughput { get; init; }

    /// <summary>Measures each population in turn, printing each figure at once and adding it to <paramref name="report"/>.</summary>
    public async Task RunAsync(IReadOnlyList<int> populations, FilterBenchReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(populations);
        ArgumentNullException.ThrowIfNull(report);
        if (!await driver.ProbeAsync(helper, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"the {driver.Name} driver does not work here");
        }
        await helper.CreateBridgeAsync(new BridgeSpec { Name = Bridge }, cancellationToken).ConfigureAwait(false);
        await helper.SetLinkStateAsync(new LinkState { Name = Bridge, Up = true }, cancellationToken).ConfigureAwait(false);
        ThroughputProbe? probe = Throughput is { } settings
            ? await ThroughputProbe.StartAsync(helper, bridgeNamespace, Bridge, settings.Iperf3, settings.Seconds).ConfigureAwait(false)
            : null;
        await using (probe)
        {
            IEnumerable<int> throughputPopulations = Throughput?.Populations ?? [];
            foreach (int population in populations.Union(throughputPopulations).Distinct().Order())
            {
                while (_filtered.Count < population)
                {
                    string host = await NewNicAsync(cancellationToken).ConfigureAwait(false);
                    await driver.ApplyNicFilterAsync(Spec(host), helper, cancellationToken).ConfigureAwait(false);
                    _filtered.Add(host);
                }
                if (populations.Contains(population))
                {
                    report.Results.Add(await TimeApplyAndRemoveAsync(population, cancellationToken).ConfigureAwait(false));
                }
                if (probe is not null && throughputPopulations.Contains(population))
                {
                    report.Throughput.Add(await CompareThroughputAsync(probe, population, report, cancellationToken).ConfigureAwait(false));
                }
            }
        }
        ReportScaling(report);
        // The objects die with the bench's network namespace; this also measures a driver's full clean-up.
        var cleanup = Stopwatch.StartNew();
        await driver.RemoveEverythingAsync(helper, cancellationToken).ConfigureAwait(false);
        var timing = new CleanupTiming(driver.Name, _filtered.Count, cleanup.Elapsed.TotalMilliseconds);
        report.Cleanup.Add(timing);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{driver.Name,-9} removing everything with {timing.Population} filtered NICs: {timing.Ms:F0} ms"));
    }

    /// <summary>
    /// The filtered/unfiltered ratio hides a cost every packet pays when the rules of the other NICs
    /// are walked one by one: then even the unfiltered pair slows down as the population grows.
    /// </summary>
    private void ReportScaling(FilterBenchReport report)
    {
        var mine = report.Throughput.Where(t => t.Driver == driver.Name).OrderBy(t => t.Population).ToList();
        if (mine.Count >= 2 && mine[0].UnfilteredGbps > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{driver.Name,-9} unfiltered throughput with {mine[^1].Population} filtered NICs present is {mine[^1].UnfilteredGbps / mine[0].UnfilteredGbps * 100:F1} % of that with {mine[0].Population}"));
        }
    }

    private async Task<FilterTiming> TimeApplyAndRemoveAsync(int population, CancellationToken cancellationToken)
    {
        string probe = await NewNicAsync(cancellationToken).ConfigureAwait(false);
        var applies = new List<double>();
        var removes = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            await driver.ApplyNicFilterAsync(Spec(probe), helper, cancellationToken).ConfigureAwait(false);
            applies.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await driver.ClearNicFilterAsync(probe, helper, cancellationToken).ConfigureAwait(false);
            removes.Add(clock.Elapsed.TotalMilliseconds);
        }
        var timing = new FilterTiming(driver.Name, population, SampleStatistics.Median(applies), SampleStatistics.Median(removes));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{driver.Name,-9} {population,5} filtered NICs: apply {timing.ApplyMs,8:F1} ms  remove {timing.RemoveMs,8:F1} ms"));
        return timing;
    }

    /// <summary>
    /// Alternates unfiltered and filtered runs, so that load from other work on the machine falls on
    /// both sides alike, and compares their medians.
    /// </summary>
    private async Task<ThroughputComparison> CompareThroughputAsync(ThroughputProbe probe, int population, FilterBenchReport report, CancellationToken cancellationToken)
    {
        var settings = Throughput ?? throw new InvalidOperationException("throughput is not configured");
        var unfiltered = new List<double>();
        var filtered = new List<double>();
        string bridgeNetfilter = "";
        for (int round = 0; round < settings.Rounds; round++)
        {
            unfiltered.Add(await probe.MeasureGbpsAsync(cancellationToken).ConfigureAwait(false));
            await driver.ApplyNicFilterAsync(probe.SenderFilter, helper, cancellationToken).ConfigureAwait(false);
            await driver.ApplyNicFilterAsync(probe.ReceiverFilter, helper, cancellationToken).ConfigureAwait(false);
            // The xt driver's iptables/ip6tables rules only see bridged frames through bridge netfilter;
            // were it off, the "filtered" figure would be measured with the IP rules bypassed.
            bridgeNetfilter = await BridgeNetfilterAsync(cancellationToken).ConfigureAwait(false);
            filtered.Add(await probe.MeasureGbpsAsync(cancellationToken).ConfigureAwait(false));
            await driver.ClearNicFilterAsync(probe.SenderFilter.HostName, helper, cancellationToken).ConfigureAwait(false);
            await driver.ClearNicFilterAsync(probe.ReceiverFilter.HostName, helper, cancellationToken).ConfigureAwait(false);
        }
        var comparison = new ThroughputComparison(driver.Name, population, SampleStatistics.Median(filtered), SampleStatistics.Median(unfiltered));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{driver.Name,-9} {population,5} filtered NICs + 2 under test, iperf3 TCP {settings.Rounds}x{settings.Seconds} s: {comparison.Describe()}; {bridgeNetfilter}"));
        if (driver.Name == "xtables" && !bridgeNetfilter.Contains("bridge-nf-call-iptables=1", StringComparison.Ordinal))
        {
            string warning = $"xtables {population}: bridge netfilter was off while filtered, so the filtered throughput bypassed the IP rules";
            Console.WriteLine("WARNING: " + warning);
            report.NotMeasured.Add(warning);
        }
        return comparison;
    }

    private async Task<string> BridgeNetfilterAsync(CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        foreach (string key in (string[])["bridge-nf-call-iptables", "bridge-nf-call-ip6tables"])
        {
            var (exitCode, output, _) = await ThroughputProbe.RunAsync(
                ["/bin/ip", "netns", "exec", bridgeNamespace.Name, "/bin/cat", "/proc/sys/net/bridge/" + key], cancellationToken).ConfigureAwait(false);
            parts.Add(key + "=" + (exitCode == 0 ? output.Trim() : "absent"));
        }
        return string.Join(' ', parts);
    }

    private async Task<string> NewNicAsync(CancellationToken cancellationToken)
    {
        int n = ++_created;
        string host = HostName(n);
        _numbers[host] = n;
        await helper.CreateVethPairAsync(new VethPairSpec
        {
            HostName = host, PeerName = string.Create(CultureInfo.InvariantCulture, $"fbp{n}"), Bridge = Bridge, PeerHwAddr = Mac(n),
        }, cancellationToken).ConfigureAwait(false);
        return host;
    }

    /// <summary>
    /// A host veth name as the core gives one (<c>veth</c> + 8 hex digits, spread like its random ones),
    /// so that the NICs spread over the xtables driver's dispatch buckets as real ones do. Multiplying by
    /// an odd constant is a bijection on 32 bits, so no two NICs get the same name.
    /// </summary>
    public static string HostName(int n) =>
        "veth" + unchecked((uint)n * 2654435761u).ToString("x8", CultureInfo.InvariantCulture);

    private NicFilterSpec Spec(string host)
    {
        int n = _numbers[host];
        return new NicFilterSpec
        {
            Instance = string.Create(CultureInfo.InvariantCulture, $"b{n}"),
            Device = "eth0",
            HostName = host,
            HwAddr = Mac(n),
            MacFiltering = true,
            Ipv4Allowed = [DocumentationIpv4(n)],
            Ipv6Allowed = [string.Create(CultureInfo.InvariantCulture, $"2001:db8:f::{n:x}")],
        };
    }

    /// <summary>
    /// An address from the three IPv4 documentation ranges, so that none could be anyone's real address.
    /// They hold 762 distinct addresses; beyond that they repeat, which no filter minds.
    /// </summary>
    private static string DocumentationIpv4(int n)
    {
        string[] ranges = ["192.0.2", "198.51.100", "203.0.113"];
        return string.Create(CultureInfo.InvariantCulture, $"{ranges[n % 3]}.{1 + n / 3 % 254}");
    }

    private static string Mac(int n) => string.Create(CultureInfo.InvariantCulture, $"10:66:6a:{(n >> 16) & 0xff:x2}:{(n >> 8) & 0xff:x2}:{n & 0xff:x2}");
}
