using System.Globalization;
using Incus.Bench.Filters;
using Incus.Daemon.Helpers;
using Incus.Plugins.FirewallNft;
using Incus.Plugins.FirewallXt;
using Incus.Sdk.Drivers;

// incus-filter-bench [--stage DIR] [--populations 1,100,1000] [--drivers nftables,xtables] [--rounds 5]
// Runs as root; every object lives in a throwaway network namespace.
string stage = Path.Combine(Directory.GetCurrentDirectory(), "stage");
int[] populations = [1, 100, 1000];
string[] driverNames = ["nftables", "xtables"];
int rounds = 5;
for (int i = 0; i < args.Length; i++)
{
    string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--stage": stage = Path.GetFullPath(value); break;
        case "--populations": populations = value.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray(); break;
        case "--drivers": driverNames = value.Split(','); break;
        case "--rounds": rounds = int.Parse(value, CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"unknown option {args[i]}");
    }
    i++;
}

Console.WriteLine("NIC filter apply/remove through the net helper (median of each round; one more NIC on top of the population)");
foreach (string name in driverNames)
{
    IFirewallDriver driver = name switch
    {
        "nftables" => new NftFirewallDriver(),
        "xtables" => new XtFirewallDriver(),
        _ => throw new ArgumentException($"unknown driver {name}"),
    };
    string helperPath = Path.Combine(stage, "helpers", "net", "incus-helper-net");
    if (!File.Exists(helperPath))
    {
        throw new InvalidOperationException($"{helperPath} is missing: run packaging/stage.sh {stage} Release first");
    }
    // Every object lives in the helper's throwaway namespace; its INCUS_DIR lives here.
    string work = Directory.CreateTempSubdirectory("incus-fb-").FullName;
    try
    {
        await using var helper = await IsolatedNetHelper.StartAsync(helperPath, work, "incus-fb-");
        await new FilterBenchmark(helper.Client, driver, rounds).RunAsync(populations, (population, apply, remove) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-9} {population,5} filtered NICs: apply {apply,8:F1} ms  remove {remove,8:F1} ms")),
            CancellationToken.None);
    }
    finally
    {
        Directory.Delete(work, recursive: true);
    }
}
return 0;
