using System.Globalization;
using Incus.Bench.Filters;
using Incus.Daemon.Helpers;
using Incus.Plugins.FirewallNft;
using Incus.Plugins.FirewallXt;
using Incus.Sdk.Drivers;

// incus-filter-bench [--stage DIR] [--populations 1,100,1000] [--drivers nftables,xtables] [--rounds 5]
//                    [--json FILE] [--seconds 5] [--throughput-rounds 3] [--throughput-populations 1,1000] [--iperf3 PATH]
//                    [--lxd-socket PATH] [--lxd-image refbusybox] [--lxd-populations 1,10]
// Runs as root; every object lives in throwaway network namespaces. --seconds 0 skips throughput.
string stage = Path.Combine(Directory.GetCurrentDirectory(), "stage");
int[] populations = [1, 100, 1000];
string[] driverNames = ["nftables", "xtables"];
int rounds = 5;
string? jsonFile = null;
int seconds = 5;
int throughputRounds = 3;
int[] throughputPopulations = [1, 1000];
string iperf3 = ThroughputProbe.DefaultIperf3;
string? lxdSocket = null;
string lxdImage = "refbusybox";
int[] lxdPopulations = [1, 10];
static int[] Numbers(string value) =>
    value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
for (int i = 0; i < args.Length; i++)
{
    string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--stage": stage = Path.GetFullPath(value); break;
        case "--populations": populations = Numbers(value); break;
        case "--drivers": driverNames = value.Split(','); break;
        case "--rounds": rounds = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--json": jsonFile = Path.GetFullPath(value); break;
        case "--seconds": seconds = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--throughput-rounds": throughputRounds = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--throughput-populations": throughputPopulations = Numbers(value); break;
        case "--iperf3": iperf3 = value; break;
        case "--lxd-socket": lxdSocket = value; break;
        case "--lxd-image": lxdImage = value; break;
        case "--lxd-populations": lxdPopulations = Numbers(value); break;
        default: throw new ArgumentException($"unknown option {args[i]}");
    }
    i++;
}

var report = new FilterBenchReport();
ThroughputSettings? throughput = null;
if (seconds <= 0 || throughputPopulations.Length == 0)
{
    report.NotMeasured.Add("throughput: not asked for");
}
else if (!File.Exists(iperf3))
{
    // Throughput is an extra; the apply/remove figures are still worth having without it.
    Console.WriteLine("iperf3 not installed; throughput not measured");
    report.NotMeasured.Add($"throughput: iperf3 not installed ({iperf3} missing)");
}
else
{
    throughput = new ThroughputSettings(iperf3, seconds, throughputRounds, throughputPopulations);
}

string helperPath = Path.Combine(stage, "helpers", "net", "incus-helper-net");
if (!File.Exists(helperPath))
{
    throw new InvalidOperationException($"{helperPath} is missing: run packaging/stage.sh {stage} Release first");
}
Console.WriteLine("NIC filter apply/remove through the net helper (median of each round; one more NIC on top of the population)");
if (throughput is not null)
{
    Console.WriteLine($"Throughput: iperf3 TCP between two namespaces on the bridge, all three filters on both NICs vs none, median of {throughputRounds} runs of {seconds} s each side");
}
int failures = 0;
foreach (string name in driverNames)
{
    IFirewallDriver driver = name switch
    {
        "nftables" => new NftFirewallDriver(),
        "xtables" => new XtFirewallDriver(),
        _ => throw new ArgumentException($"unknown driver {name}"),
    };
    // Every object lives in the helper's throwaway namespace; its INCUS_DIR lives here.
    string work = Directory.CreateTempSubdirectory("incus-fb-").FullName;
    try
    {
        await using var helper = await IsolatedNetHelper.StartAsync(helperPath, work, "incus-fb-");
        await new FilterBenchmark(helper.Client, helper.Namespace, driver, rounds) { Throughput = throughput }.RunAsync(populations, report, CancellationToken.None);
    }
    catch (InvalidOperationException ex)
    {
        // One driver that cannot run here (no xtables tools, no br_netfilter) should not hide the other's figures.
        Console.WriteLine($"{name}: not measured: {ex.Message}");
        report.NotMeasured.Add($"{name}: {ex.Message}");
        failures++;
    }
    finally
    {
        Directory.Delete(work, recursive: true);
    }
}

if (lxdSocket is null)
{
    Console.WriteLine("LXD not measured (no --lxd-socket given)");
    report.NotMeasured.Add("lxd: no --lxd-socket given");
}
else if (!File.Exists(lxdSocket))
{
    Console.WriteLine($"LXD not measured: {lxdSocket} does not exist");
    report.NotMeasured.Add($"lxd: {lxdSocket} does not exist");
}
else
{
    try
    {
        await using var lxd = new LxdFilterBenchmark(lxdSocket, lxdImage, rounds);
        await lxd.RunAsync(lxdPopulations, report, CancellationToken.None);
    }
    catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or System.Text.Json.JsonException)
    {
        Console.WriteLine($"LXD not measured: {ex.Message}");
        report.NotMeasured.Add($"lxd: {ex.Message}");
    }
    // Measuring LXD's data plane would need iperf3 inside its containers; the usual bench image (busybox) has none.
    Console.WriteLine("LXD throughput not measured (its bench containers have no iperf3)");
    report.NotMeasured.Add("lxd throughput: the bench containers have no iperf3");
}

if (jsonFile is not null)
{
    await File.WriteAllTextAsync(jsonFile, report.ToJson());
    Console.WriteLine($"results written to {jsonFile}");
}
return failures == 0 ? 0 : 1;
