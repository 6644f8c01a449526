using Incus.Api;
using Incus.Daemon.Api;
using Incus.Daemon.Events;
using Incus.Daemon.Helpers;
using Incus.Daemon.Plugins;
using Incus.Sdk.Drivers;
using Serilog;

namespace Incus.Daemon.Storage;

/// <summary>
/// Storage pool lifecycle: validate, let the driver create the storage through the helper, then
/// record it; undo the storage if recording fails, so the disk and the database always agree.
/// </summary>
public sealed class StoragePoolService(StoragePoolStore store, DriverRegistry drivers, StorageHelperClient helper, EventHub events, ILogger log,
    Func<string, IReadOnlyList<string>> usedBy)
{
    private readonly SemaphoreSlim _changes = new(1, 1);

    public IReadOnlyList<StoragePool> List() => store.All().Select(ToApi).ToList();

    public StoragePool Get(string name) => ToApi(store.Find(name) ?? throw ApiException.NotFound("Storage pool not found"));

    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "No name provided";
        }
        if (name.Length > 63 || !char.IsAsciiLetterOrDigit(name[0]) || name.Contains("..", StringComparison.Ordinal)
            || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')))
        {
            return $"Invalid storage pool name \"{name}\": use 1-63 of A-Z a-z 0-9 _ . - starting with a letter or digit";
        }
        return null;
    }

    public async Task CreateAsync(StoragePoolsPost request, CancellationToken cancellationToken)
    {
        if (ValidateName(request.Name) is { } nameError)
        {
            throw ApiException.BadRequest(nameError);
        }
        if (string.IsNullOrEmpty(request.Driver))
        {
            throw ApiException.BadRequest("No driver provided");
        }
        var driver = Driver(request.Driver);
        var config = request.Config ?? new Dictionary<string, string>();
        if (Guarded(driver, () => driver.ValidateConfig(config)) is { } configError)
        {
            throw ApiException.BadRequest(configError);
        }

        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (store.Find(request.Name!) is not null)
            {
                throw new ApiException(409, $"Storage pool \"{request.Name}\" already exists");
            }
            var context = Context(request.Name!, config);
            await GuardedAsync(driver, () => driver.CreatePoolAsync(context, cancellationToken)).ConfigureAwait(false);
            var record = new StoragePoolRecord(request.Name!, driver.Name, request.Description ?? "", config);
            try
            {
                if (!store.TryAdd(record))
                {
                    throw new ApiException(409, $"Storage pool \"{request.Name}\" already exists");
                }
            }
            catch
            {
                // The storage exists but could not be recorded: remove it rather than leave an orphan.
                await GuardedAsync(driver, () => driver.DeletePoolAsync(context, CancellationToken.None)).ConfigureAwait(false);
                throw;
            }
            log.Information("created storage pool {Pool} ({Driver})", record.Name, record.Driver);
            events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "storage-pool-created", ["source"] = $"/1.0/storage-pools/{record.Name}" });
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task UpdateAsync(string name, StoragePoolPut request, bool replace, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = store.Find(name) ?? throw ApiException.NotFound("Storage pool not found");
            var config = replace
                ? new Dictionary<string, string>(request.Config ?? new Dictionary<string, string>())
                : ConfigPatch.Apply(current.Config, request.Config);
            var driver = Driver(current.Driver);
            if (Guarded(driver, () => driver.ValidateConfig(config)) is { } configError)
            {
                throw ApiException.BadRequest(configError);
            }
            string description = request.Description ?? (replace ? "" : current.Description);
            store.Update(current with { Description = description, Config = config });
            events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "storage-pool-updated", ["source"] = $"/1.0/storage-pools/{name}" });
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = store.Find(name) ?? throw ApiException.NotFound("Storage pool not found");
            if (usedBy(name) is { Count: > 0 } users)
            {
                throw ApiException.BadRequest($"The storage pool is currently in use by {string.Join(", ", users)}");
            }
            var driver = Driver(current.Driver);
            await GuardedAsync(driver, () => driver.DeletePoolAsync(Context(current.Name, current.Config), cancellationToken)).ConfigureAwait(false);
            store.Remove(name);
            log.Information("deleted storage pool {Pool}", name);
            events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "storage-pool-deleted", ["source"] = $"/1.0/storage-pools/{name}" });
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// Runs plugin code. A driver's own exception (a bug in a third-party plugin) becomes a 500 that names
    /// the driver, so the client and the log say which plugin failed; the daemon and other drivers go on.
    /// Errors the daemon itself raised on the driver's behalf (helper refusals, time limits) pass unchanged.
    /// </summary>
    private static T Guarded<T>(IStorageDriver driver, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (IsDriverFault(ex))
        {
            throw DriverFault(driver, ex);
        }
    }

    private static async Task GuardedAsync(IStorageDriver driver, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDriverFault(ex))
        {
            throw DriverFault(driver, ex);
        }
    }

    private static bool IsDriverFault(Exception ex) => ex is not (ApiException or HelperFailedException or HelperTimeoutException
        or HelperUnavailableException or OperationCanceledException);

    private static ApiException DriverFault(IStorageDriver driver, Exception ex) =>
        new(500, $"storage driver \"{driver.Name}\" failed: {ex.GetType().Name}: {ex.Message}");

    private IStorageDriver Driver(string name) =>
        drivers.Storage.TryGetValue(name, out var driver)
            ? driver
            : throw ApiException.BadRequest($"Storage pool driver \"{name}\" is not available (installed: {(drivers.Storage.Count == 0 ? "none" : string.Join(", ", drivers.Storage.Keys))})");

    private StoragePoolContext Context(string name, IReadOnlyDictionary<string, string> config) => new() { Name = name, Config = config, Helper = helper };

    private StoragePool ToApi(StoragePoolRecord record) => new()
    {
        UsedBy = usedBy(record.Name),
        Name = record.Name,
        Driver = record.Driver,
        Description = record.Description,
        Config = record.Config,
    };
}
