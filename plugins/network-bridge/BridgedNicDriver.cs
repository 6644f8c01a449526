using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;

namespace Incus.Plugins.NetworkBridge;

/// <summary>
/// <c>nictype=bridged</c> (or <c>network=</c> a bridge): a veth pair whose host side joins the bridge
/// and whose peer the runtime moves into the container.
/// </summary>
public sealed partial class BridgedNicDriver : INicDeviceDriver
{
    public const string MacFilteringKey = "security.mac_filtering";
    public const string Ipv4FilteringKey = "security.ipv4_filtering";
    public const string Ipv6FilteringKey = "security.ipv6_filtering";

    /// <summary>Keys a running NIC takes in place: they change only its filter and its reservations.</summary>
    private static readonly HashSet<string> LiveKeys =
    [
        "ipv4.address", "ipv6.address", "ipv4.routes", "ipv4.routes.external", "ipv6.routes", "ipv6.routes.external",
        MacFilteringKey, Ipv4FilteringKey, Ipv6FilteringKey,
    ];

    public string Name => "bridged";

    public string Version => "1";

    public string? NetworkType => "bridge";

    public async Task<NicAttachment> StartAsync(NicContext nic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nic);
        string peer = PeerName(nic.HostName);
        await RemoveLinksAsync(nic.Helper, nic.HostName, peer, cancellationToken).ConfigureAwait(false);
        // The filter goes in before the link exists (it matches by name), so no frame of the NIC is
        // ever bridged unfiltered.
        var reservations = await ApplyFilterAsync(nic, wasFiltered: false, cancellationToken).ConfigureAwait(false);
        int? mtu = nic.Config.GetValueOrDefault("mtu") is { Length: > 0 } own ? int.Parse(own, System.Globalization.CultureInfo.InvariantCulture)
            : nic.NetworkConfig.GetValueOrDefault("bridge.mtu") is { Length: > 0 } bridgeMtu ? int.Parse(bridgeMtu, System.Globalization.CultureInfo.InvariantCulture) : null;
        try
        {
            await nic.Helper.CreateVethPairAsync(new VethPairSpec
            {
                HostName = nic.HostName, PeerName = peer, Bridge = nic.Parent, Mtu = mtu, PeerHwAddr = nic.HwAddr,
            }, cancellationToken).ConfigureAwait(false);
            if (Directory.Exists($"/proc/sys/net/ipv6/conf/{nic.HostName}"))
            {
                // The host side of a bridge port needs no address of its own, link-local included.
                await nic.Helper.SetInterfaceSysctlAsync(new InterfaceSysctl { Interface = nic.HostName, Family = "ipv6", Key = "disable_ipv6", Value = "1" }, cancellationToken)
                    .ConfigureAwait(false);
                // Also accept_ra=0, as on the bridge: should IPv6 ever be switched back on for the port,
                // the kernel's default (1) must not let an instance's RA configure the host.
                await nic.Helper.SetInterfaceSysctlAsync(new InterfaceSysctl { Interface = nic.HostName, Family = "ipv6", Key = "accept_ra", Value = "0" }, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        catch
        {
            await RemoveLinksAsync(nic.Helper, nic.HostName, peer, CancellationToken.None).ConfigureAwait(false);
            if (BridgedNicFilter.Wanted(nic.Config))
            {
                await ClearFilterAsync(nic, CancellationToken.None).ConfigureAwait(false);
            }
            throw;
        }
        return new NicAttachment { Link = peer, Mtu = mtu, Reservations = reservations };
    }

    public async Task StopAsync(NicContext nic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nic);
        // Link first, filter second: while the link exists, its filter does.
        await RemoveLinksAsync(nic.Helper, nic.HostName, PeerName(nic.HostName), cancellationToken).ConfigureAwait(false);
        if (BridgedNicFilter.Wanted(nic.Config))
        {
            await ClearFilterAsync(nic, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<NicReservations?> UpdateAsync(NicContext before, NicContext after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changed = before.Config.Keys.Union(after.Config.Keys).Where(k => before.Config.GetValueOrDefault(k) != after.Config.GetValueOrDefault(k));
        if (changed.Any(k => !LiveKeys.Contains(k)) || before.Parent != after.Parent || before.HostName != after.HostName)
        {
            return null;
        }
        // One transaction replaces the old filter with the new one; turning it off removes it.
        return await ApplyFilterAsync(after, BridgedNicFilter.Wanted(before.Config), cancellationToken).ConfigureAwait(false);
    }

    public Task<NicReservations> ReconcileAsync(NicContext nic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nic);
        return ApplyFilterAsync(nic, wasFiltered: false, cancellationToken);
    }

    public bool HasHostFilter(IReadOnlyDictionary<string, string> config) => BridgedNicFilter.Wanted(config);

    private static async Task<NicReservations> ApplyFilterAsync(NicContext nic, bool wasFiltered, CancellationToken cancellationToken)
    {
        if (!BridgedNicFilter.Wanted(nic.Config))
        {
            if (wasFiltered)
            {
                await ClearFilterAsync(nic, cancellationToken).ConfigureAwait(false);
            }
            return new NicReservations();
        }
        var firewall = nic.Firewall ?? throw new InvalidOperationException(
            $"Device \"{nic.Device}\": bridged NIC filtering needs a working firewall driver, and none works on this host");
        var (spec, reservations) = await BridgedNicFilter.ComputeAsync(nic, cancellationToken).ConfigureAwait(false);
        await firewall.ApplyNicFilterAsync(spec, nic.Helper, cancellationToken).ConfigureAwait(false);
        return reservations;
    }

    private static Task ClearFilterAsync(NicContext nic, CancellationToken cancellationToken) =>
        nic.Firewall is { } firewall ? firewall.ClearNicFilterAsync(nic.HostName, nic.Helper, cancellationToken) : Task.CompletedTask;

    /// <summary>The peer's temporary host name: derived from the host side, so a restart finds it again.</summary>
    public static string PeerName(string hostName) =>
        "vp" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hostName)))[..12];

    private static async Task RemoveLinksAsync(INetHelper helper, string host, string peer, CancellationToken cancellationToken)
    {
        var owned = await helper.ListOwnedLinksAsync(cancellationToken).ConfigureAwait(false);
        // Deleting one end of a veth deletes both; the second call then only drops the record.
        foreach (string link in new[] { host, peer })
        {
            if (owned.Contains(link))
            {
                await helper.DeleteLinkAsync(new LinkName { Name = link }, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
