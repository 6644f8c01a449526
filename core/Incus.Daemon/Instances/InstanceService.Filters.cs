namespace Incus.Daemon.Instances;

/// <summary>
/// Bridged NIC filters rebuilt from the database: the database says which running NICs are filtered
/// and how, the kernel is made to match at start, on demand and whenever a filter went missing.
/// </summary>
public sealed partial class InstanceService
{
    /// <summary>A running NIC with a host filter: its instance, device, expanded device config and host-side name.</summary>
    public sealed record FilteredNic(string Instance, string Device, Dictionary<string, string> Keys, string HostName);

    /// <summary>
    /// Running NICs (their host-side link exists) whose config asks for a filter. Only the database and
    /// /sys/class/net are read, so this is cheap enough for a drift check every second.
    /// </summary>
    public IReadOnlyList<FilteredNic> FilteredNics()
    {
        var result = new List<FilteredNic>();
        foreach (var instance in store.All())
        {
            foreach (var (device, keys) in InstanceNetworking.Nics(Expand(instance).Devices))
            {
                if (instance.Config.GetValueOrDefault($"volatile.{device}.host_name") is { Length: > 0 } hostName
                    && Directory.Exists($"/sys/class/net/{hostName}") && networking.HasHostFilter(keys))
                {
                    result.Add(new FilteredNic(instance.Name, device, keys, hostName));
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Installs again the filters of <paramref name="nics"/> from their stored config. Each filter is
    /// replaced in one transaction, so a NIC that still has its filter is never without one.
    /// Returns the number rebuilt; failures are logged and do not stop the others.
    /// </summary>
    public async Task<int> RebuildNicFiltersAsync(IEnumerable<FilteredNic> nics, CancellationToken cancellationToken)
    {
        int rebuilt = 0;
        foreach (var nic in nics)
        {
            await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (store.Find(nic.Instance) is not { } instance)
                {
                    continue;
                }
                // Read again under the lock: the NIC may have changed or stopped since it was listed.
                var config = new Dictionary<string, string>(instance.Config);
                var keys = InstanceNetworking.Nics(Expand(instance).Devices).FirstOrDefault(n => n.Device == nic.Device).Config;
                if (keys is null || config.GetValueOrDefault($"volatile.{nic.Device}.host_name") != nic.HostName || !networking.HasHostFilter(keys))
                {
                    continue;
                }
                await networking.ReconcileOneAsync(nic.Instance, nic.Device, keys, config, cancellationToken).ConfigureAwait(false);
                if (VolatileChanges(instance.Config, config) is { Count: > 0 } changes)
                {
                    store.SetVolatile(nic.Instance, changes);
                }
                rebuilt++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.Error(ex, "could not rebuild the filter of {Instance}/{Device}: {Message}", nic.Instance, nic.Device, ex.Message);
            }
            finally
            {
                _changes.Release();
            }
        }
        return rebuilt;
    }
}
