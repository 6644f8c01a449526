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
                        Ipv4Address = keys.GetValueOrDefault("ipv4.address") is { Length: > 0 } v4 ? v4 : null,
                        Ipv6Address = keys.GetValueOrDefault("ipv6.address") is { Length: > 0 } v6 ? v6 : null,
                        Name = instance.Name,
                    });
                }
            }
        }
        return entries;
    }

    /// <summary>Host-side NIC links that instances still hold (recorded in their volatile keys).</summary>
    public IReadOnlySet<string> NicLinksInUse() =>
        store.All().SelectMany(i => i.Config.Where(kv => kv.Key.StartsWith("volatile.", StringComparison.Ordinal) && kv.Key.EndsWith(".host_name", StringComparison.Ordinal))
            .Select(kv => kv.Value)).ToHashSet(StringComparer.Ordinal);

    private List<string> NetworksOf(IReadOnlyDictionary<string, Dictionary<string, string>> devices) =>
        InstanceNetworking.Nics(devices).Select(n => networking.NetworkOf(n.Config)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// On a running instance, NICs that were removed or changed are taken out and NICs that were
    /// added or changed are plugged in. Returns the record with the NICs' volatile keys updated.
    /// </summary>
    private async Task<InstanceRecord> HotplugNicsAsync(InstanceRecord updated,
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
            return updated;
        }
        var state = await StateAsync(updated.Name, cancellationToken).ConfigureAwait(false);
        if (state.StatusCode != OperationStatus.Running.Code)
        {
            return updated;
        }
        var config = new Dictionary<string, string>(updated.Config);
        foreach (string device in removed)
        {
            await networking.StopOneAsync(updated.Name, device, oldNics[device], config, cancellationToken).ConfigureAwait(false);
        }
        foreach (string device in added)
        {
            var nic = await networking.StartOneAsync(updated.Name, device, newNics[device], config, cancellationToken).ConfigureAwait(false);
            try
            {
                await runtime.CallAsync("AttachNic", lxc => lxc.AttachNicAsync(new ContainerNicAttach { Instance = updated.Name, Nic = nic }, cancellationToken), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch
            {
                await networking.StopOneAsync(updated.Name, device, newNics[device], config, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
        return updated with { Config = config };
    }
}
