using System.Text.RegularExpressions;
using Incus.Sdk.Drivers;
using Incus.Sdk.Plugins;

namespace Incus.DriverCheck;

/// <summary>
/// The storage driver contract (<see cref="IStorageDriver"/>), checked against the real instance helper:
/// config validation, create, delete, confinement beneath the pool's own directory, and no leftovers.
/// </summary>
public sealed partial class StorageConformanceSuite : IConformanceSuite
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromMinutes(2);

    // Values of `source` that would put a pool outside the daemon's storage root.
    private static readonly string[] EscapingSources = ["/", "/etc", "../../..", "/var/lib/incus/../../../tmp"];

    public PluginKind Kind => PluginKind.Storage;

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex DriverName();

    public async Task<IReadOnlyList<CheckResult>> RunAsync(LoadedPlugin plugin, SuiteEnvironment environment, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        var drivers = plugin.Status.Drivers.Select(name => plugin.Registry.Storage.GetValueOrDefault(name)).ToList();
        if (drivers.Count == 0 || drivers.Any(d => d is null))
        {
            results.Add(CheckResult.Fail("registers storage drivers",
                $"a storage plugin must register at least one storage driver and nothing else; it registered: {(plugin.Status.Drivers.Count == 0 ? "none" : string.Join(", ", plugin.Status.Drivers))}"));
            return results;
        }
        results.Add(CheckResult.Pass("registers storage drivers", string.Join(", ", plugin.Status.Drivers)));
        foreach (var driver in drivers)
        {
            await CheckDriverAsync(driver!, environment, results, cancellationToken).ConfigureAwait(false);
        }
        return results;
    }

    private static async Task CheckDriverAsync(IStorageDriver driver, SuiteEnvironment environment, List<CheckResult> results, CancellationToken cancellationToken)
    {
        string prefix = $"{driver.Name}: ";
        results.Add(DriverName().IsMatch(driver.Name) && !string.IsNullOrWhiteSpace(driver.Version)
            ? CheckResult.Pass(prefix + "name and version", $"{driver.Name} {driver.Version}")
            : CheckResult.Fail(prefix + "name and version", $"name \"{driver.Name}\" must be 1-32 of a-z 0-9 - starting with a letter, and the version must not be empty (got \"{driver.Version}\")"));

        results.Add(Validate(prefix + "accepts an empty config", driver, new Dictionary<string, string>(), expectError: false));
        results.Add(Validate(prefix + "refuses an unknown config key", driver, new Dictionary<string, string> { ["conformance.no-such-key"] = "1" }, expectError: true));
        foreach (string source in EscapingSources)
        {
            results.Add(Validate($"{prefix}confinement: refuses source={source}", driver, new Dictionary<string, string> { ["source"] = source }, expectError: true));
        }

        string workDirectory = Path.Combine(environment.WorkDirectory, driver.Name);
        Directory.CreateDirectory(workDirectory);
        await using var helper = await InstanceHelperProcess.StartAsync(environment.HelperPath("instance"), workDirectory).ConfigureAwait(false);
        string pool = $"check-{Guid.NewGuid():N}"[..14];
        var context = new StoragePoolContext { Name = pool, Config = new Dictionary<string, string>(), Helper = helper.Storage };
        string poolPrefix = $"storage-pools/{pool}";
        // The helper's audit log is the harness's, not the driver's.
        var baseline = TreeSnapshot.Take(helper.IncusDirectory, "logs");

        var created = await RunAsync(prefix + "create", () => driver.CreatePoolAsync(context, cancellationToken), helper, cancellationToken).ConfigureAwait(false);
        results.Add(created);
        if (!created.Passed)
        {
            results.Add(CheckResult.Fail(prefix + "create, delete, confinement and leftovers", "not checked: create failed"));
            return;
        }
        var afterCreate = TreeSnapshot.Take(helper.IncusDirectory, "logs");
        var createChanges = baseline.Differences(afterCreate);
        var listed = await helper.Storage.ListDirPoolsAsync(cancellationToken).ConfigureAwait(false);
        results.Add(listed.Contains(pool) && afterCreate.Paths.Contains(poolPrefix)
            ? CheckResult.Pass(prefix + "create: the pool exists beneath the storage root")
            : CheckResult.Fail(prefix + "create: the pool exists beneath the storage root", $"the instance helper does not see pool {pool} after create"));
        var outside = createChanges.Where(change => change[1..] != "storage-pools" && change[1..] != poolPrefix && !change[1..].StartsWith(poolPrefix + "/", StringComparison.Ordinal)).ToList();
        results.Add(outside.Count == 0
            ? CheckResult.Pass(prefix + "confinement: create touched only the pool's own directory")
            : CheckResult.Fail(prefix + "confinement: create touched only the pool's own directory", $"changed outside {poolPrefix}: {string.Join(", ", outside.Take(10))}"));

        var second = await RunAsync(prefix + "create of an existing pool fails", () => driver.CreatePoolAsync(context, cancellationToken), helper, cancellationToken).ConfigureAwait(false);
        var afterSecond = TreeSnapshot.Take(helper.IncusDirectory, "logs");
        var secondChanges = afterCreate.Differences(afterSecond);
        results.Add(!second.Passed && secondChanges.Count == 0
            ? CheckResult.Pass(prefix + "create of an existing pool fails and leaves it intact", second.Detail)
            : CheckResult.Fail(prefix + "create of an existing pool fails and leaves it intact",
                second.Passed ? "the second create succeeded" : $"the failed create changed: {string.Join(", ", secondChanges.Take(10))}"));

        var deleted = await RunAsync(prefix + "delete", () => driver.DeletePoolAsync(context, cancellationToken), helper, cancellationToken).ConfigureAwait(false);
        results.Add(deleted);
        var afterDelete = TreeSnapshot.Take(helper.IncusDirectory, "logs");
        listed = await helper.Storage.ListDirPoolsAsync(cancellationToken).ConfigureAwait(false);
        var leftovers = baseline.Differences(afterDelete)
            // The storage root itself is the helper's, created on first use; everything in it is the driver's.
            .Where(change => change != "+storage-pools").ToList();
        results.Add(leftovers.Count == 0 && !listed.Contains(pool)
            ? CheckResult.Pass(prefix + "leftovers: delete removes everything create made")
            : CheckResult.Fail(prefix + "leftovers: delete removes everything create made", $"left behind: {string.Join(", ", leftovers.Take(10))}"));
    }

    private static CheckResult Validate(string name, IStorageDriver driver, Dictionary<string, string> config, bool expectError)
    {
        string shown = config.Count == 0 ? "{}" : string.Join(", ", config.Select(kv => $"{kv.Key}={kv.Value}"));
        try
        {
            string? error = driver.ValidateConfig(config);
            return (error is not null) == expectError
                ? CheckResult.Pass(name, error ?? "")
                : CheckResult.Fail(name, expectError ? $"ValidateConfig accepted {shown}" : $"ValidateConfig refused {shown}: {error}");
        }
        catch (Exception ex)
        {
            // A driver must answer with a message, not throw: the daemon turns a throw into a 500.
            return CheckResult.Fail(name, $"ValidateConfig({shown}) threw {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static async Task<CheckResult> RunAsync(string name, Func<Task> call, InstanceHelperProcess helper, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(CallLimit);
        try
        {
            await call().WaitAsync(limit.Token).ConfigureAwait(false);
            return CheckResult.Pass(name);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail(name, $"did not finish within {CallLimit.TotalSeconds} s; helper output:\n{helper.RecentOutput}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return CheckResult.Fail(name, $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
