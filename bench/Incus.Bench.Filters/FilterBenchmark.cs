using System.Diagnostics;
using System.Globalization;
using Incus.Sdk.Drivers;
using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;

namespace Incus.Bench.Filters;

/// <summary>
/// For one firewall driver: fills a bridge with filtered NICs (veth pairs, no containers) up to each
/// population, then times applying and removing the filter of one more NIC, the operation a user
/// triggers with <c>incus config device set … security.ipv4_filtering=true</c>.
/// </summary>
public sealed class FilterBenchmark(INetHelper helper, IFirewallDriver driver, int rounds)
{
    private const string Bridge = "fbr0";
    private readonly List<string> _filtered = new();
    private int _created;

    /// <summary>Measures each population in turn and reports it at once through <paramref name="report"/>.</summary>
    public async Task RunAsync(IReadOnlyList<int> populations, Action<int, double, double> report, CancellationToken cancellationToken)
    {
        if (!await driver.ProbeAsync(helper, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"the {driver.Name} driver does not work here");
        }
        await helper.CreateBridgeAsync(new BridgeSpec { Name = Bridge }, cancellationToken).ConfigureAwait(false);
        await helper.SetLinkStateAsync(new LinkState { Name = Bridge, Up = true }, cancellationToken).ConfigureAwait(false);
        foreach (int population in populations.Order())
        {
            while (_filtered.Count < population)
            {
                string host = await NewNicAsync(cancellationToken).ConfigureAwait(false);
                await driver.ApplyNicFilterAsync(Spec(host), helper, cancellationToken).ConfigureAwait(false);
                _filtered.Add(host);
            }
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
            report(population, Median(applies), Median(removes));
        }
        // The objects die with the bench's network namespace; this also measures a driver's full clean-up.
        var cleanup = Stopwatch.StartNew();
        await driver.RemoveEverythingAsync(helper, cancellationToken).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{driver.Name,-9} removing everything with {_filtered.Count} filtered NICs: {cleanup.Elapsed.TotalMilliseconds:F0} ms"));
    }

    private async Task<string> NewNicAsync(CancellationToken cancellationToken)
    {
        int n = ++_created;
        string host = string.Create(CultureInfo.InvariantCulture, $"fbh{n}");
        await helper.CreateVethPairAsync(new VethPairSpec
        {
            HostName = host, PeerName = string.Create(CultureInfo.InvariantCulture, $"fbp{n}"), Bridge = Bridge, PeerHwAddr = Mac(n),
        }, cancellationToken).ConfigureAwait(false);
        return host;
    }

    private static NicFilterSpec Spec(string host)
    {
        int n = int.Parse(host[3..], CultureInfo.InvariantCulture);
        return new NicFilterSpec
        {
            Instance = string.Create(CultureInfo.InvariantCulture, $"b{n}"),
            Device = "eth0",
            HostName = host,
            HwAddr = Mac(n),
            MacFiltering = true,
            Ipv4Allowed = [string.Create(CultureInfo.InvariantCulture, $"198.51.{100 + n / 250}.{1 + n % 250}")],
            Ipv6Allowed = [string.Create(CultureInfo.InvariantCulture, $"2001:db8:f::{n:x}")],
        };
    }

    private static string Mac(int n) => string.Create(CultureInfo.InvariantCulture, $"10:66:6a:{(n >> 16) & 0xff:x2}:{(n >> 8) & 0xff:x2}:{n & 0xff:x2}");

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }
}
