using Incus.Api;
using Incus.Daemon.Api;
using Incus.Daemon.Events;
using Incus.Daemon.Plugins;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Daemon.Networks;

/// <summary>
/// Managed networks: validate, fill defaults, let the driver make the kernel match, then record; the
/// database is the desired state and <see cref="ReconcileAsync"/> rebuilds the kernel from it.
/// </summary>
public sealed partial class NetworkService(
    NetworkStore store,
    DriverRegistry drivers,
    INetHelper helper,
    FirewallChoice firewall,
    EventHub events,
    ILogger log,
    Func<string, IReadOnlyList<string>> usedBy,
    Func<string, IReadOnlyList<DnsmasqHostEntry>> hostsFor)
{
    private readonly SemaphoreSlim _changes = new(1, 1);

    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "No name provided";
        }
        if (name.Length > 15 || name is "." or ".." || !char.IsAsciiLetter(name[0])
            || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')))
        {
            return $"Invalid network name \"{name}\": use 1-15 of A-Z a-z 0-9 _ . - starting with a letter (it is also the interface name)";
        }
        return null;
    }

    public IReadOnlyList<Network> List()
    {
        var managed = store.All().Select(ToApi).ToList();
        var names = managed.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        return managed.Concat(UnmanagedInterfaces().Where(n => !names.Contains(n.Name))).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
    }

    public Network Get(string name) =>
        store.Find(name) is { } record ? ToApi(record)
        : UnmanagedInterfaces().FirstOrDefault(n => n.Name == name) ?? throw ApiException.NotFound("Network not found");

    public NetworkRecord? Find(string name) => store.Find(name);

    public async Task CreateAsync(NetworksPost request, CancellationToken cancellationToken)
    {
        if (ValidateName(request.Name) is { } nameError)
        {
            throw ApiException.BadRequest(nameError);
        }
        string type = string.IsNullOrEmpty(request.Type) ? "bridge" : request.Type;
        var driver = Driver(type);
        var config = request.Config ?? new Dictionary<string, string>();
        if (driver.ValidateConfig(config) is { } configError)
        {
            throw ApiException.BadRequest(configError);
        }
        string name = request.Name!;
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (store.Find(name) is not null)
            {
                throw new ApiException(409, $"Network \"{name}\" already exists");
            }
            if (Directory.Exists($"/sys/class/net/{name}"))
            {
                throw ApiException.BadRequest($"Network \"{name}\": an interface with that name already exists on the host");
            }
            var filled = Fill(driver, name, config, except: null);
            var record = new NetworkRecord(name, driver.Name, request.Description ?? "", filled);
            if (!store.TryAdd(record))
            {
                throw new ApiException(409, $"Network \"{name}\" already exists");
            }
            try
            {
                await driver.ApplyAsync(Context(record), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing half-made stays behind: undo the kernel side, then the record.
                await UndoAsync(driver, record).ConfigureAwait(false);
                store.Remove(name);
                throw ApiException.BadRequest($"Failed to create network \"{name}\": {ex.Message}");
            }
            log.Information("created network {Network} ({Type})", name, driver.Name);
            Publish("network-created", name);
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task UpdateAsync(string name, NetworkPut request, bool replace, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Managed(name);
            var driver = Driver(current.Type);
            var config = replace
                ? new Dictionary<string, string>(request.Config ?? new Dictionary<string, string>())
                : ConfigPatch.Apply(current.Config, request.Config);
            if (driver.ValidateConfig(config) is { } configError)
            {
                throw ApiException.BadRequest(configError);
            }
            var updated = current with
            {
                Description = request.Description ?? (replace ? "" : current.Description),
                Config = Fill(driver, name, config, except: name),
            };
            store.Update(updated);
            try
            {
                await driver.ApplyAsync(Context(updated), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Put back the previous config, in the database and in the kernel.
                store.Update(current);
                try
                {
                    await driver.ApplyAsync(Context(current), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception rollback) when (rollback is not OperationCanceledException)
                {
                    log.Error(rollback, "could not restore network {Network} after a failed update; reconciliation at next start retries", name);
                }
                throw ApiException.BadRequest($"Failed to update network \"{name}\": {ex.Message}");
            }
            Publish("network-updated", name);
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
            var current = Managed(name);
            if (usedBy(name) is { Count: > 0 } users)
            {
                throw ApiException.BadRequest($"The network is currently in use by {string.Join(", ", users)}");
            }
            await Driver(current.Type).DeleteAsync(Context(current), cancellationToken).ConfigureAwait(false);
            store.Remove(name);
            log.Information("deleted network {Network}", name);
            Publish("network-deleted", name);
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task<IReadOnlyList<NetworkLease>> LeasesAsync(string name, CancellationToken cancellationToken)
    {
        var current = Managed(name);
        var leases = await Driver(current.Type).ListLeasesAsync(Context(current), cancellationToken).ConfigureAwait(false);
        return leases.Select(l => new NetworkLease { Hostname = l.Hostname, HwAddr = l.HwAddr, Address = l.Address, Type = l.Type }).ToList();
    }

    /// <summary>Rewrites a network's static host entries after a NIC was added, changed or removed.</summary>
    public async Task RefreshHostsAsync(string name, CancellationToken cancellationToken)
    {
        if (store.Find(name) is { } record && drivers.Networks.TryGetValue(record.Type, out var driver))
        {
            await driver.SetHostsAsync(Context(record), cancellationToken).ConfigureAwait(false);
        }
    }

    private NetworkRecord Managed(string name) =>
        store.Find(name) ?? (Directory.Exists($"/sys/class/net/{name}")
            ? throw ApiException.BadRequest($"Network \"{name}\" is not managed by this daemon")
            : throw ApiException.NotFound("Network not found"));

    private INetworkDriver Driver(string type) =>
        drivers.Networks.TryGetValue(type, out var driver)
            ? driver
            : throw ApiException.BadRequest($"Network type \"{type}\" is not available (installed: {(drivers.Networks.Count == 0 ? "none" : string.Join(", ", drivers.Networks.Keys))})");

    private Dictionary<string, string> Fill(INetworkDriver driver, string name, IReadOnlyDictionary<string, string> config, string? except)
    {
        var used = HostSubnets.Read();
        foreach (var other in store.All().Where(n => n.Name != except))
        {
            used.AddRange(new[] { "ipv4.address", "ipv6.address" }.Select(k => other.Config.GetValueOrDefault(k)).OfType<string>());
        }
        try
        {
            var filled = driver.FillConfig(name, config, used);
            if (driver.ValidateConfig(filled) is { } error)
            {
                throw ApiException.BadRequest(error);
            }
            return filled;
        }
        catch (InvalidOperationException ex)
        {
            throw ApiException.BadRequest(ex.Message);
        }
    }

    private async Task UndoAsync(INetworkDriver driver, NetworkRecord record)
    {
        try
        {
            await driver.DeleteAsync(Context(record), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Error(ex, "could not remove what a failed create of network {Network} left behind; reconciliation at next start retries", record.Name);
        }
    }

    private NetworkContext Context(NetworkRecord record) => new()
    {
        Name = record.Name, Config = record.Config, Hosts = hostsFor(record.Name), Helper = helper, Firewall = firewall.Driver,
    };

    private Network ToApi(NetworkRecord record) => new()
    {
        Name = record.Name,
        Description = record.Description,
        Type = record.Type,
        Managed = true,
        Status = "Created",
        Config = record.Config,
        UsedBy = usedBy(record.Name),
    };

    private void Publish(string action, string name) =>
        events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = action, ["source"] = $"/1.0/networks/{name}" });
}
