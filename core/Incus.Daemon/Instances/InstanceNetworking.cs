using System.Security.Cryptography;
using Incus.Daemon.Api;
using Incus.Daemon.Networks;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;

namespace Incus.Daemon.Instances;

/// <summary>
/// The NIC devices of instances: MAC addresses and host-side names kept in volatile keys, the host
/// side made by the NIC's driver at start and removed at stop, and each network's static host
/// entries kept in step with the instances attached to it.
/// </summary>
public sealed partial class InstanceNetworking(NetworkService networks, INetHelper helper)
{
    /// <summary>The OUI Incus uses for the MACs it generates.</summary>
    private const string MacPrefix = "10:66:6a";

    public static IEnumerable<(string Device, Dictionary<string, string> Config)> Nics(IReadOnlyDictionary<string, Dictionary<string, string>> devices) =>
        devices.Where(d => d.Value.GetValueOrDefault("type") == "nic").OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => (d.Key, d.Value));

    /// <summary>The error for a NIC device, or null when its driver and network accept it.</summary>
    public string? Validate(IReadOnlyDictionary<string, string> device) => networks.ResolveNic(device).Error;

    /// <summary>The managed network a NIC is attached to, or null (also for a host bridge the daemon does not manage).</summary>
    public string? NetworkOf(IReadOnlyDictionary<string, string> device) =>
        networks.ResolveNic(device) is { Error: null, Parent: { Length: > 0 } parent, Driver.TakesHostParent: false } && networks.IsManaged(parent) ? parent : null;

    /// <summary>Adds <c>volatile.&lt;dev&gt;.hwaddr</c> for every NIC that has neither one nor an <c>hwaddr</c> key.</summary>
    public static void AssignMacs(Dictionary<string, string> config, IReadOnlyDictionary<string, Dictionary<string, string>> expandedDevices)
    {
        foreach (var (device, keys) in Nics(expandedDevices))
        {
            string key = $"volatile.{device}.hwaddr";
            if (keys.GetValueOrDefault("hwaddr") is { Length: > 0 } fixedMac)
            {
                config[key] = fixedMac.ToLowerInvariant();
            }
            else if (!config.ContainsKey(key))
            {
                byte[] random = RandomNumberGenerator.GetBytes(3);
                config[key] = $"{MacPrefix}:{random[0]:x2}:{random[1]:x2}:{random[2]:x2}";
            }
        }
    }

    /// <summary>
    /// Creates the host side of each NIC and returns what the runtime moves in. On failure, the NICs
    /// already made are removed again.
    /// </summary>
    public async Task<List<ContainerNic>> StartAsync(string instance, Dictionary<string, string> config,
        IReadOnlyDictionary<string, Dictionary<string, string>> expandedDevices, CancellationToken cancellationToken)
    {
        var started = new List<(string Device, Dictionary<string, string> Keys)>();
        var result = new List<ContainerNic>();
        try
        {
            foreach (var (device, keys) in Nics(expandedDevices))
            {
                result.Add(await StartOneAsync(instance, device, keys, config, cancellationToken).ConfigureAwait(false));
                started.Add((device, keys));
            }
        }
        catch
        {
            foreach (var (device, keys) in started)
            {
                await StopOneAsync(instance, device, keys, config, CancellationToken.None).ConfigureAwait(false);
            }
            throw;
        }
        return result;
    }

    /// <summary>Creates one NIC's host side; records its host name in <paramref name="config"/>.</summary>
    public async Task<ContainerNic> StartOneAsync(string instance, string device, IReadOnlyDictionary<string, string> keys,
        Dictionary<string, string> config, CancellationToken cancellationToken)
    {
        var (driver, parent, networkConfig, error) = networks.ResolveNic(keys);
        if (driver is null)
        {
            throw new InvalidOperationException($"Device \"{device}\": {error}");
        }
        if (!driver.TakesHostParent && parent.Length > 0 && !networks.IsManaged(parent) && NetworkService.HostBridgeProblem(parent) is { } missing)
        {
            // The administrator's bridge may have gone since the device was added; nothing is made yet.
            throw ApiException.BadRequest($"Device \"{device}\": {missing}");
        }
        string hostName = keys.GetValueOrDefault("host_name") is { Length: > 0 } chosen ? chosen
            : "veth" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        config[$"volatile.{device}.host_name"] = hostName;
        var attachment = await driver.StartAsync(Context(instance, device, keys, config, parent, networkConfig, hostName), cancellationToken).ConfigureAwait(false);
        RecordReservations(config, device, attachment.Reservations);
        return new ContainerNic
        {
            Link = attachment.Link, Name = keys.GetValueOrDefault("name") is { Length: > 0 } name ? name : device, Mtu = attachment.Mtu, Addresses = attachment.Addresses,
        };
    }

    /// <summary>Removes the host side of every NIC that has a recorded host name.</summary>
    public async Task StopAsync(string instance, Dictionary<string, string> config,
        IReadOnlyDictionary<string, Dictionary<string, string>> expandedDevices, CancellationToken cancellationToken)
    {
        foreach (var (device, keys) in Nics(expandedDevices))
        {
            await StopOneAsync(instance, device, keys, config, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopOneAsync(string instance, string device, IReadOnlyDictionary<string, string> keys,
        Dictionary<string, string> config, CancellationToken cancellationToken)
    {
        string key = $"volatile.{device}.host_name";
        if (config.GetValueOrDefault(key) is not { Length: > 0 } hostName)
        {
            return;
        }
        var (driver, parent, networkConfig, _) = networks.ResolveNic(keys);
        if (driver is not null)
        {
            await driver.StopAsync(Context(instance, device, keys, config, parent, networkConfig, hostName), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The device's network or driver went away; the link is still ours to remove.
            await helper.DeleteLinkAsync(new LinkName { Name = hostName }, cancellationToken).ConfigureAwait(false);
        }
        config.Remove(key);
    }

    /// <summary>Rewrites the host entries of each named network.</summary>
    public async Task RefreshAsync(IEnumerable<string?> networkNames, CancellationToken cancellationToken)
    {
        foreach (string name in networkNames.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            await networks.RefreshHostsAsync(name, cancellationToken).ConfigureAwait(false);
        }
    }

    private NicContext Context(string instance, string device, IReadOnlyDictionary<string, string> keys, IReadOnlyDictionary<string, string> config,
        string parent, IReadOnlyDictionary<string, string> networkConfig, string hostName) => new()
    {
        Instance = instance,
        Device = device,
        Config = keys,
        Parent = parent,
        NetworkConfig = networkConfig,
        HwAddr = config.GetValueOrDefault($"volatile.{device}.hwaddr") ?? throw new InvalidOperationException($"Device \"{device}\" has no MAC address yet"),
        HostName = hostName,
        Helper = helper,
        Firewall = networks.Firewall,
        NetworkHosts = parent.Length > 0 ? networks.HostsOf(parent) : [],
        Reservations = new NicReservations
        {
            Ipv4 = config.GetValueOrDefault(ReservedKey(device, "ipv4")),
            Ipv6 = config.GetValueOrDefault(ReservedKey(device, "ipv6")),
        },
    };
}
