using System.Diagnostics;
using System.Globalization;

namespace Incus.DriverCheck;

/// <summary>One driver's rows on a net helper of its own, in the copy of the kit inside the scratch namespace.</summary>
public sealed record NetDriverRun(string DriverName, IReadOnlyList<string> Rows, Func<NetTestbed, Task<IReadOnlyList<CheckResult>>> Run)
{
    public static NetDriverRun For(NetworkDriverChecks checks, string driverName) => new(driverName, checks.Rows.Select(r => r.Name).ToList(), checks.RunAsync);

    public static NetDriverRun For(NicDriverChecks checks, string driverName) => new(driverName, checks.Rows.Select(r => r.Name).ToList(), checks.RunAsync);

    /// <summary>
    /// Runs every driver's rows in a scratch namespace (re-executing the kit there when this is not the
    /// copy yet). A driver whose helper does not start gets every row failed as not run.
    /// </summary>
    public static async Task<IReadOnlyList<CheckResult>> RunAllAsync(
        LoadedPlugin plugin, SuiteEnvironment environment, IReadOnlyList<NetDriverRun> runs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(runs);
        return await NamespacedKitRun.RunAsync(plugin, environment, runs.SelectMany(r => r.Rows).ToList(), async () =>
        {
            var results = new List<CheckResult>();
            foreach (var run in runs)
            {
                var clock = Stopwatch.StartNew();
                results.AddRange(await run.RunOnOwnHelperAsync(environment).ConfigureAwait(false));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"incus-driver-check: {run.DriverName}: the suite ran for {clock.Elapsed.TotalSeconds:F1} s"));
            }
            return results;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<CheckResult>> RunOnOwnHelperAsync(SuiteEnvironment environment)
    {
        string workDirectory = Path.Combine(environment.WorkDirectory, DriverName);
        Directory.CreateDirectory(workDirectory);
        NetTestbed testbed;
        try
        {
            testbed = await NetTestbed.StartAsync(environment.HelperPath("net"), workDirectory).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return [CheckResult.Fail($"{DriverName}: setup: the net helper runs in the scratch namespace", $"{ex.GetType().Name}: {ex.Message}"),
                .. NamespacedKitRun.NotRun(Rows, "the setup failed")];
        }
        var results = new List<CheckResult>();
        try
        {
            results.AddRange(await Run(testbed).ConfigureAwait(false));
        }
        finally
        {
            try
            {
                await testbed.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results.Add(CheckResult.Fail($"{DriverName}: teardown: the net helper stops", $"{ex.GetType().Name}: {ex.Message}"));
            }
        }
        return results;
    }
}
