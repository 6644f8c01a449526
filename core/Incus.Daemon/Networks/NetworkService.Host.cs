using Incus.Api;
using Incus.Daemon.Api;
using Incus.Sdk.Drivers;

namespace Incus.Daemon.Networks;

/// <summary>The host's own interfaces, reconciliation at start, and NIC-to-network resolution.</summary>
public sealed partial class NetworkService
{
    /// <summary>
    /// Rebuilds the kernel side of every managed network from the database, then removes links the
    /// daemon owns that no network and no running NIC accounts for, with their dnsmasq and network chains.
    /// </summary>
    public async Task ReconcileAsync(IReadOnlySet<string> linksInUse, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var networks = store.All();
            await ApplyAllLockedAsync(networks, cancellationToken).ConfigureAwait(false);
            var keep = networks.Select(n => n.Name).Concat(linksInUse).ToHashSet(StringComparer.Ordinal);
            var stale = (await helper.ListOwnedLinksAsync(cancellationToken).ConfigureAwait(false)).Where(l => !keep.Contains(l)).ToList();
            // A routed NIC's VLAN (<parent>.<id>) is recorded by no instance, so it always looks stale here;
            // deleting it would cut off the running NICs that proxy addresses on it. The helper's release
            // keeps it while proxy entries use it. Last, so that the stale veths' proxies are gone first.
            var vlans = stale.Where(IsVlan).ToList();
            foreach (string link in stale.Except(vlans))
            {
                try
                {
                    log.Information("removing stale link {Link}", link);
                    await helper.StopDnsmasqAsync(new Sdk.Helpers.LinkName { Name = link }, cancellationToken).ConfigureAwait(false);
                    // A bridge left by a network whose record is gone (a create whose undo failed) also left
                    // its firewall chains, which no later apply or delete would reach: cleared before the link,
                    // as a network delete does. A no-op where there are none.
                    if (firewall.Driver is { } rules && MayBeBridge(link))
                    {
                        await rules.ClearNetworkAsync(link, helper, cancellationToken).ConfigureAwait(false);
                    }
                    await helper.DeleteLinkAsync(new Sdk.Helpers.LinkName { Name = link }, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.Error(ex, "could not remove stale link {Link}: {Message}", link, ex.Message);
                }
            }
            foreach (string vlan in vlans)
            {
                try
                {
                    await helper.ReleaseVlanAsync(new Sdk.Helpers.LinkName { Name = vlan }, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.Error(ex, "could not release VLAN {Link}: {Message}", vlan, ex.Message);
                }
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Where reconciliation looks for VLAN interfaces (<c>net/vlan/&lt;link&gt;</c>); a test may point it elsewhere.</summary>
    internal string ProcRoot { get; init; } = "/proc";

    /// <summary>As the net helper decides it: the kernel lists each 802.1Q interface under /proc/net/vlan.</summary>
    private bool IsVlan(string link) => File.Exists(Path.Combine(ProcRoot, "net", "vlan", link));

    /// <summary>
    /// Whether a stale link may be a bridge with network chains: it is one, or it is already gone and
    /// the kernel can no longer say. An existing veth is skipped; with xtables each clear reads four tables.
    /// </summary>
    private static bool MayBeBridge(string link) =>
        !Directory.Exists($"/sys/class/net/{link}") || Directory.Exists($"/sys/class/net/{link}/bridge");

    /// <summary>
    /// Makes every managed network's kernel state (bridge, addresses, firewall rules, dnsmasq) match the
    /// database again, for <c>incus admin firewall reconcile</c>. Unlike the reconciliation at start it
    /// removes no stale links: a NIC that is starting right now owns a link its instance has not recorded yet.
    /// Returns how many networks there are and how many were applied.
    /// </summary>
    public async Task<(int Total, int Applied)> ReapplyAllAsync(CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var networks = store.All();
            return (networks.Count, await ApplyAllLockedAsync(networks, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Applies each network with its driver; a failure is logged and does not stop the others. Returns how many were applied.</summary>
    private async Task<int> ApplyAllLockedAsync(IReadOnlyList<NetworkRecord> networks, CancellationToken cancellationToken)
    {
        int applied = 0;
        foreach (var network in networks)
        {
            if (!drivers.Networks.TryGetValue(network.Type, out var driver))
            {
                log.Error("network {Network} needs the {Type} driver, which is not installed; left down", network.Name, network.Type);
                continue;
            }
            try
            {
                await driver.ApplyAsync(Context(network), cancellationToken).ConfigureAwait(false);
                applied++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.Error(ex, "could not bring up network {Network}: {Message}", network.Name, ex.Message);
            }
        }
        return applied;
    }

    /// <summary>
    /// The driver, parent bridge and network config of a NIC device, or an error message. A NIC names
    /// a managed network with <c>network=</c>, or a bridge with <c>nictype=bridged</c> and
    /// <c>parent=</c>: a managed network, or else a host bridge the daemon does not manage, which the
    /// driver must accept (<see cref="INicDeviceDriver.ValidateUnmanagedParent"/>); such a NIC gets an
    /// empty network config. Drivers that take a host interface as parent (routed NICs) get it as given.
    /// </summary>
    public (INicDeviceDriver? Driver, string Parent, IReadOnlyDictionary<string, string> NetworkConfig, string? Error) ResolveNic(IReadOnlyDictionary<string, string> device)
    {
        var none = new Dictionary<string, string>();
        string? networkName = device.GetValueOrDefault("network");
        string? nictype = device.GetValueOrDefault("nictype");
        INicDeviceDriver? driver;
        NetworkRecord? network = null;
        if (!string.IsNullOrEmpty(networkName))
        {
            network = store.Find(networkName);
            if (network is null)
            {
                return (null, "", none, $"Network \"{networkName}\" doesn't exist");
            }
            driver = drivers.Nics.Values.FirstOrDefault(d => d.NetworkType == network.Type);
            if (driver is null)
            {
                return (null, "", none, $"No installed NIC type attaches to networks of type \"{network.Type}\"");
            }
            if (!string.IsNullOrEmpty(nictype) && nictype != driver.Name)
            {
                return (null, "", none, $"Invalid device option \"nictype\": network \"{networkName}\" takes {driver.Name} NICs, not {nictype}");
            }
        }
        else
        {
            if (string.IsNullOrEmpty(nictype))
            {
                return (null, "", none, "Invalid device: a NIC needs \"network\" or \"nictype\"");
            }
            if (!drivers.Nics.TryGetValue(nictype, out driver))
            {
                return (null, "", none, $"Unsupported NIC type \"{nictype}\" (installed: {(drivers.Nics.Count == 0 ? "none" : string.Join(", ", drivers.Nics.Keys))})");
            }
            string? parent = device.GetValueOrDefault("parent");
            if (driver.TakesHostParent)
            {
                // A host interface (a routed NIC's uplink), not a network: the driver checks it at start.
                return driver.ValidateConfig(device) is { } hostParentError ? (null, "", none, hostParentError) : (driver, parent ?? "", none, null);
            }
            if (!string.IsNullOrEmpty(parent))
            {
                network = store.Find(parent);
                if (network is not null && network.Type != driver.NetworkType)
                {
                    return (null, "", none, $"Invalid device option \"parent\": network \"{parent}\" is of type {network.Type}, not {driver.NetworkType}");
                }
                if (network is null)
                {
                    // A host bridge of the administrator's: the driver decides whether it attaches to
                    // one; that it exists and is a bridge is checked when the NIC starts, as Incus does.
                    return driver.ValidateUnmanagedParent(device) is { } unmanagedError ? (null, "", none, unmanagedError) : (driver, parent, none, null);
                }
            }
        }
        if (driver.ValidateConfig(device, network?.Config ?? none) is { } error)
        {
            return (null, "", none, error);
        }
        return (driver, network?.Name ?? "", network?.Config ?? none, null);
    }

    /// <summary>
    /// Why a NIC cannot join <paramref name="name"/> as a host bridge the daemon does not manage, or
    /// null when it exists and is a bridge. The net helper checks the same for itself.
    /// </summary>
    public static string? HostBridgeProblem(string name) =>
        !Directory.Exists($"/sys/class/net/{name}") ? $"Parent device \"{name}\" doesn't exist"
        : !Directory.Exists($"/sys/class/net/{name}/bridge") ? $"Parent device \"{name}\" is not a bridge"
        : null;

    /// <summary>Whether <paramref name="name"/> is one of the daemon's networks.</summary>
    public bool IsManaged(string name) => store.Find(name) is not null;

    /// <summary>The firewall driver in use, or null when none works here.</summary>
    public IFirewallDriver? Firewall => firewall.Driver;

    /// <summary>Why no firewall driver is in use, when none is.</summary>
    public string FirewallProblem => firewall.Reason;

    /// <summary>The static host entries of every NIC on a network.</summary>
    public IReadOnlyList<Sdk.Helpers.DnsmasqHostEntry> HostsOf(string network) => hostsFor(network);

    private static IEnumerable<Network> UnmanagedInterfaces()
    {
        if (!Directory.Exists("/sys/class/net"))
        {
            yield break;
        }
        foreach (string path in Directory.GetDirectories("/sys/class/net").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            string type = name == "lo" ? "loopback"
                : Directory.Exists(Path.Combine(path, "bridge")) ? "bridge"
                : Directory.Exists(Path.Combine(path, "device")) ? "physical"
                : "unknown";
            yield return new Network { Name = name, Type = type, Managed = false, Status = "", Config = new Dictionary<string, string>() };
        }
    }
}
