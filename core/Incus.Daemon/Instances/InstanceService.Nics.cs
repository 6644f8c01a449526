using Incus.Api;
using Incus.Sdk.Helpers;

namespace Incus.Daemon.Instances;

/// <summary>Instances' NICs as networks see them, and NIC hot-plug on running instances.</summary>
public sealed partial class InstanceService
{
    /// <summary>Instances and profiles whose NICs use <paramref name="network"/>, as API URLs.</summary>
    public IReadOnlyList<string> UsingNetwork(string network) =>
        store.All().Where(i => NetworksOf(Expand(i).Devices).Contains(network)).Select(i => $"/1.0/instances/{i.Name}").ToList();

    /// <summary>The static host entries of every NIC on <paramref name="network"/>: its MAC, reserved addresses and instance name.</summary>
    public IReadOnlyList<DnsmasqHostEntry> HostsFor(string network)
    {
        var entries = new List<DnsmasqHostEntry>();
        foreach (var instance in store.All().OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            foreach (var (device, keys) in InstanceNetworking.Nics(Expand(instance).Devices))
            {
                if (networking.NetworkOf(keys) == network && instance.Config.GetValueOrDefault($"volatile.{device}.hwaddr") is { Length: > 0 } mac)
                {
                    entries.Add(new DnsmasqHostEntry
                    {
                        HwAddr = mac,
                        Ipv4Address = InstanceNetworking.HostAddress(keys, instance.Config, device, "ipv4"),
                        Ipv6Address = InstanceNetworking.HostAddress(keys, instance.Config, device, "ipv6"),
                        Name = instance.Name,
                    });
                }
            }
        }
        return entries;
    }

    /// <summary><c>state.network</c>: the container's interfaces, with each NIC's MAC and host-side name from its volatile keys.</summary>
    private static Dictionary<string, InstanceNetworkState> NetworkState(InstanceRecord instance,
        IReadOnlyDictionary<string, Dictionary<string, string>> expandedDevices, IReadOnlyList<ContainerInterface> interfaces)
    {
        var nicByName = InstanceNetworking.Nics(expandedDevices)
            .ToDictionary(n => n.Config.GetValueOrDefault("name") is { Length: > 0 } inside ? inside : n.Device, n => n.Device, StringComparer.Ordinal);
        return interfaces.ToDictionary(i => i.Name, i =>
        {
            string? device = nicByName.GetValueOrDefault(i.Name);
            return new InstanceNetworkState
            {
                Addresses = i.Addresses.Select(a => new InstanceNetworkAddress
                {
                    Family = a.Family, Address = a.Address, Netmask = a.Prefix.ToString(System.Globalization.CultureInfo.InvariantCulture), Scope = a.Scope,
                }).ToList(),
                Counters = new InstanceNetworkCounters
                {
                    BytesReceived = i.BytesReceived, BytesSent = i.BytesSent, PacketsReceived = i.PacketsReceived, PacketsSent = i.PacketsSent,
                },
                HwAddr = device is null ? "" : instance.Config.GetValueOrDefault($"volatile.{device}.hwaddr") ?? "",
                HostName = device is null ? "" : instance.Config.GetValueOrDefault($"volatile.{device}.host_name") ?? "",
                Type = i.Name == "lo" ? "loopback" : "broadcast",
            };
        }, StringComparer.Ordinal);
    }

    /// <summary>Host-side NIC links that instances still hold (recorded in their volatile keys).</summary>
    public IReadOnlySet<string> NicLinksInUse() =>
        store.All().SelectMany(i => i.Config.Where(kv => kv.Key.StartsWith("volatile.", StringComparison.Ordinal) && kv.Key.EndsWith(".host_name", StringComparison.Ordinal))
            .Select(kv => kv.Value)).ToHashSet(StringComparer.Ordinal);

    private List<string> NetworksOf(IReadOnlyDictionary<string, Dictionary<string, string>> devices) =>
        InstanceNetworking.Nics(devices).Select(n => networking.NetworkOf(n.Config)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The volatile keys that differ between two configs: changed or added ones with their new value,
    /// removed ones with an empty value (which the store treats as removal).
    /// </summary>
    private static Dictionary<string, string> VolatileChanges(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var changes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in after.Where(kv => InstanceConfigKeys.IsVolatile(kv.Key)))
        {
            if (before.GetValueOrDefault(key) != value)
            {
                changes[key] = value;
            }
        }
        foreach (string key in before.Keys.Where(k => InstanceConfigKeys.IsVolatile(k) && !after.ContainsKey(k)))
        {
            changes[key] = "";
        }
        return changes;
    }

    /// <summary>
    /// On a running instance, NICs that were removed or changed are taken out and NICs that were
    /// added or changed are plugged in; their volatile keys are updated in <paramref name="config"/>.
    /// </summary>
    private async Task HotplugNicsAsync(string name, Dictionary<string, string> config,
        IReadOnlyDictionary<string, Dictionary<string, string>> oldDevices, IReadOnlyDictionary<string, Dictionary<string, string>> newDevices,
        CancellationToken cancellationToken)
    {
        var oldNics = InstanceNetworking.Nics(oldDevices).ToDictionary(n => n.Device, n => n.Config, StringComparer.Ordinal);
        var newNics = InstanceNetworking.Nics(newDevices).ToDictionary(n => n.Device, n => n.Config, StringComparer.Ordinal);
        bool Same(string device) => oldNics.TryGetValue(device, out var before) && newNics.TryGetValue(device, out var after)
            && before.Count == after.Count && before.All(kv => after.GetValueOrDefault(kv.Key) == kv.Value);
        var removed = oldNics.Keys.Where(d => !Same(d)).ToList();
        var added = newNics.Keys.Where(d => !Same(d)).ToList();
        if (removed.Count == 0 && added.Count == 0)
        {
            return;
        }
        var state = await StateAsync(name, cancellationToken).ConfigureAwait(false);
        if (state.StatusCode != OperationStatus.Running.Code)
        {
            return;
        }
        // NICs whose change the driver can take in place (filters, addresses, routes) keep their link:
        // the filter is swapped in one transaction, with no moment unfiltered.
        foreach (string device in removed.Intersect(added, StringComparer.Ordinal).ToList())
        {
            if (await networking.UpdateOneAsync(name, device, oldNics[device], newNics[device], config, cancellationToken).ConfigureAwait(false))
            {
                removed.Remove(device);
                added.Remove(device);
            }
        }
        foreach (string device in removed)
        {
            await networking.StopOneAsync(name, device, oldNics[device], config, cancellationToken).ConfigureAwait(false);
        }
        foreach (string device in added)
        {
            var nic = await networking.StartOneAsync(name, device, newNics[device], config, cancellationToken).ConfigureAwait(false);
            try
            {
                await runtime.CallAsync("AttachNic", (lxc, token) => lxc.AttachNicAsync(new ContainerNicAttach { Instance = name, Nic = nic }, token), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch
            {
                await networking.StopOneAsync(name, device, newNics[device], config, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }
}
