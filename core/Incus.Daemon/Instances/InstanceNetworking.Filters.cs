using Incus.Sdk.Drivers;

namespace Incus.Daemon.Instances;

/// <summary>
/// NIC changes taken in place, reservations of addresses for filters, and the rebuilding of a running
/// NIC's filter from the database (at start, on demand and after drift).
/// </summary>
public sealed partial class InstanceNetworking
{
    /// <summary>The volatile key holding the address reserved for a filtered NIC without a static one.</summary>
    public static string ReservedKey(string device, string family) => $"volatile.{device}.reserved.{family}";

    /// <summary>
    /// The address a NIC's static DHCP entry carries: its own <c>ipvN.address</c> (unless <c>none</c>),
    /// or else the one reserved for its filter.
    /// </summary>
    public static string? HostAddress(IReadOnlyDictionary<string, string> keys, IReadOnlyDictionary<string, string> config, string device, string family) =>
        keys.GetValueOrDefault($"{family}.address") is { Length: > 0 } own ? (own == "none" ? null : own)
        : config.GetValueOrDefault(ReservedKey(device, family)) is { Length: > 0 } reserved ? reserved : null;

    /// <summary>
    /// Applies a changed NIC config to the running NIC without re-creating it, when its driver can.
    /// Returns false when the NIC must be unplugged and plugged again instead.
    /// </summary>
    public async Task<bool> UpdateOneAsync(string instance, string device, IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after,
        Dictionary<string, string> config, CancellationToken cancellationToken)
    {
        if (config.GetValueOrDefault($"volatile.{device}.host_name") is not { Length: > 0 } hostName)
        {
            return false;
        }
        var old = networks.ResolveNic(before);
        var now = networks.ResolveNic(after);
        if (old.Driver is null || now.Driver is null || !ReferenceEquals(old.Driver, now.Driver))
        {
            return false;
        }
        var reservations = await now.Driver.UpdateAsync(
            Context(instance, device, before, config, old.Parent, old.NetworkConfig, hostName),
            Context(instance, device, after, config, now.Parent, now.NetworkConfig, hostName), cancellationToken).ConfigureAwait(false);
        if (reservations is null)
        {
            return false;
        }
        RecordReservations(config, device, reservations);
        return true;
    }

    /// <summary>Rebuilds a running NIC's filter from its config; records changed reservations in <paramref name="config"/>.</summary>
    public async Task ReconcileOneAsync(string instance, string device, IReadOnlyDictionary<string, string> keys, Dictionary<string, string> config,
        CancellationToken cancellationToken)
    {
        if (config.GetValueOrDefault($"volatile.{device}.host_name") is not { Length: > 0 } hostName)
        {
            return;
        }
        var (driver, parent, networkConfig, error) = networks.ResolveNic(keys);
        if (driver is null)
        {
            throw new InvalidOperationException($"Device \"{device}\": {error}");
        }
        var reservations = await driver.ReconcileAsync(Context(instance, device, keys, config, parent, networkConfig, hostName), cancellationToken).ConfigureAwait(false);
        RecordReservations(config, device, reservations);
    }

    /// <summary>Whether a NIC with this config has a host filter once it runs.</summary>
    public bool HasHostFilter(IReadOnlyDictionary<string, string> keys) =>
        networks.ResolveNic(keys) is { Driver: { } driver } && driver.HasHostFilter(keys);

    /// <summary>The firewall driver in use, or null.</summary>
    public IFirewallDriver? Firewall => networks.Firewall;

    /// <summary>Keeps a reservation once made: only a new address replaces it, so it sticks across restarts.</summary>
    private static void RecordReservations(Dictionary<string, string> config, string device, NicReservations reservations)
    {
        foreach (var (family, address) in new[] { ("ipv4", reservations.Ipv4), ("ipv6", reservations.Ipv6) })
        {
            if (address is { Length: > 0 })
            {
                config[ReservedKey(device, family)] = address;
            }
        }
    }
}
