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
public sealed class BridgedNicDriver : INicDeviceDriver
{
    private static readonly HashSet<string> Keys = ["type", "nictype", "network", "parent", "name", "hwaddr", "mtu", "host_name", "ipv4.address", "ipv6.address"];

    /// <summary>Keys of the filtering issue; refused until they are enforced, so nobody relies on a filter that is not there.</summary>
    private static readonly HashSet<string> NotYetEnforced = ["security.mac_filtering", "security.ipv4_filtering", "security.ipv6_filtering"];

    public string Name => "bridged";

    public string Version => "1";

    public string? NetworkType => "bridge";

    public string? ValidateConfig(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var (key, value) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (NotYetEnforced.Contains(key))
            {
                return $"Invalid device option \"{key}\": bridged NIC filtering is not available in this build";
            }
            if (!Keys.Contains(key))
            {
                return $"Invalid device option \"{key}\": unknown key for a bridged NIC";
            }
            string? problem = key switch
            {
                "name" or "host_name" or "parent" or "network" => value.Length is >= 1 and <= 15 && value is not ("." or "..") && value[0] != '-'
                    && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-') ? null : "not a valid interface name",
                "hwaddr" => value.Length == 17 && PhysicalAddress.TryParse(value, out var mac) && (mac.GetAddressBytes()[0] & 1) == 0 && mac.GetAddressBytes().Any(b => b != 0)
                    ? null : "not a unicast MAC address",
                "mtu" => int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int mtu) && mtu is >= 1280 and <= 9000
                    ? null : "not an MTU between 1280 and 9000",
                "ipv4.address" => IPAddress.TryParse(value, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && !value.Contains('/') ? null : "not an IPv4 address",
                "ipv6.address" => IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 && !value.Contains('/') && !value.Contains('%') ? null : "not an IPv6 address",
                _ => null,
            };
            if (problem is not null)
            {
                return $"Invalid value for device option \"{key}\": \"{value}\" is {problem}";
            }
        }
        bool hasNetwork = config.ContainsKey("network");
        bool hasParent = config.ContainsKey("parent");
        if (hasNetwork && hasParent)
        {
            return "Invalid device option \"parent\": cannot be used together with \"network\"";
        }
        if (!hasNetwork && !hasParent)
        {
            return "Invalid device: a bridged NIC needs \"network\" or \"parent\"";
        }
        return null;
    }

    public async Task<NicAttachment> StartAsync(NicContext nic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nic);
        string peer = PeerName(nic.HostName);
        await RemoveLinksAsync(nic.Helper, nic.HostName, peer, cancellationToken).ConfigureAwait(false);
        int? mtu = nic.Config.GetValueOrDefault("mtu") is { Length: > 0 } own ? int.Parse(own, System.Globalization.CultureInfo.InvariantCulture)
            : nic.NetworkConfig.GetValueOrDefault("bridge.mtu") is { Length: > 0 } bridgeMtu ? int.Parse(bridgeMtu, System.Globalization.CultureInfo.InvariantCulture) : null;
        await nic.Helper.CreateVethPairAsync(new VethPairSpec
        {
            HostName = nic.HostName, PeerName = peer, Bridge = nic.Parent, Mtu = mtu, PeerHwAddr = nic.HwAddr,
        }, cancellationToken).ConfigureAwait(false);
        if (Directory.Exists($"/proc/sys/net/ipv6/conf/{nic.HostName}"))
        {
            // The host side of a bridge port needs no address of its own, link-local included.
            await nic.Helper.SetInterfaceSysctlAsync(new InterfaceSysctl { Interface = nic.HostName, Family = "ipv6", Key = "disable_ipv6", Value = "1" }, cancellationToken)
                .ConfigureAwait(false);
        }
        return new NicAttachment { Link = peer, Mtu = mtu };
    }

    public Task StopAsync(NicContext nic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nic);
        return RemoveLinksAsync(nic.Helper, nic.HostName, PeerName(nic.HostName), cancellationToken);
    }

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
