using Incus.Daemon.Plugins;
using Incus.DriverCheck;
using Incus.Platform;
using Incus.Sdk;
using Incus.Sdk.Plugins;

// incus-driver-check [--libdir DIR] <plugin dir>
// Exit status: 0 every check passed, 1 a check failed or the plugin did not load, 2 usage error or no
// suite for the plugin's kind (not checked is not passed).
const string Usage = "usage: incus-driver-check [--libdir DIR] <plugin dir>\n"
    + "  --libdir DIR  the daemon's install directory, whose helpers/ are used (default: the one this command is installed in)";

string? folder = null;
// Set only in the copy of the kit that a suite starts inside its scratch network namespace (NamespacedKitRun).
string? insideNamespace = null;
string? resultsFile = null;
string? copyWork = null;
string libdir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, ".."));
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--libdir" when i + 1 < args.Length:
            libdir = Path.GetFullPath(args[++i]);
            break;
        case NamespacedKitRun.InsideOption when i + 1 < args.Length:
            insideNamespace = args[++i];
            break;
        case NamespacedKitRun.ResultsOption when i + 1 < args.Length:
            resultsFile = args[++i];
            break;
        case NamespacedKitRun.WorkOption when i + 1 < args.Length:
            copyWork = args[++i];
            break;
        case "-h" or "--help":
            Console.WriteLine(Usage);
            return 0;
        case var argument when !argument.StartsWith('-') && folder is null:
            folder = Path.GetFullPath(argument);
            break;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
if (folder is null || !Directory.Exists(folder))
{
    Console.Error.WriteLine(folder is null ? Usage : $"incus-driver-check: {folder} is not a directory");
    return 2;
}
if (ProcessStatus.ReadSelf().EffectiveUid != 0)
{
    Console.Error.WriteLine("incus-driver-check: run as root; the checks start the daemon's root helpers, as incusd does");
    return 2;
}

var registry = new DriverRegistry();
var host = new PluginHost(Path.GetDirectoryName(folder)!, registry, Serilog.Core.Logger.None);
var status = host.LoadOne(folder);
if (insideNamespace is not null)
{
    return await RunInsideNamespaceAsync(folder, insideNamespace, resultsFile, copyWork);
}
Console.WriteLine($"incus-driver-check: {status.Name} {status.Version} ({status.Kind}), wants SDK {status.Sdk}; this kit has SDK {SdkVersion.Current}");
if (status.Status != "loaded")
{
    Report([CheckResult.Fail("load: the daemon's loader accepts the plugin", status.Error ?? status.Status)]);
    return 1;
}
var results = new List<CheckResult> { CheckResult.Pass("load: the daemon's loader accepts the plugin") };
var kind = Enum.Parse<PluginKind>(status.Kind, ignoreCase: true);
var suite = ConformanceSuites.For(kind);
if (suite is null)
{
    Console.WriteLine("  PASS  load: the daemon's loader accepts the plugin");
    Console.WriteLine($"not checked: this kit has no suite for {kind.ToString().ToLowerInvariant()} drivers (it checks: "
        + $"{string.Join(", ", ConformanceSuites.Covered.Select(k => k.ToString().ToLowerInvariant()))})");
    return 2;
}

string work = Directory.CreateTempSubdirectory("incus-driver-check-").FullName;
try
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    results.AddRange(await suite.RunAsync(new LoadedPlugin(folder, status, registry), new SuiteEnvironment(libdir, work), cancel.Token));
}
finally
{
    // Everything the checks made, including what a broken driver left, is beneath the work directory.
    Directory.Delete(work, recursive: true);
}
Report(results);
return results.All(r => r.Passed) ? 0 : 1;

// The copy of the kit in a scratch network namespace: it runs the suite and hands the results back in a
// file; the kit that started it reports them.
async Task<int> RunInsideNamespaceAsync(string pluginFolder, string networkNamespace, string? results, string? work)
{
    if (results is null || work is null || status.Status != "loaded"
        || ConformanceSuites.For(Enum.Parse<PluginKind>(status.Kind, ignoreCase: true)) is not { } insideSuite)
    {
        Console.Error.WriteLine($"incus-driver-check: the copy in namespace {networkNamespace} needs {NamespacedKitRun.ResultsOption}, {NamespacedKitRun.WorkOption} and a loadable plugin with a suite ({status.Status}: {status.Error})");
        return 1;
    }
    var found = await insideSuite.RunAsync(new LoadedPlugin(pluginFolder, status, registry), new SuiteEnvironment(libdir, work, networkNamespace), CancellationToken.None);
    NamespacedKitRun.WriteResults(results, found);
    return 0;
}

static void Report(IReadOnlyList<CheckResult> results)
{
    foreach (var result in results)
    {
        Console.WriteLine($"  {(result.Passed ? "PASS" : "FAIL")}  {result.Name}{(result.Detail.Length > 0 ? $": {result.Detail}" : "")}");
    }
    Console.WriteLine($"{results.Count(r => r.Passed)} passed, {results.Count(r => !r.Passed)} failed");
}
