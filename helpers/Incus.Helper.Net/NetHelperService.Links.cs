using System.Globalization;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Net;

/// <summary>Veth pairs for bridged NICs, host-wide forwarding, and nftables installs.</summary>
public sealed partial class NetHelperService
{
    public Task CreateVethPairAsync(VethPairSpec spec, CancellationToken cancellationToken = default) =>
        Run("CreateVethPair", spec, async () =>
        {
            Required(spec, "spec");
            var (host, peer) = NewVethNames(spec.HostName, spec.PeerName);
            string bridge = AttachableBridge(spec.Bridge);
            string mac = RequestValidation.UnicastMac(spec.PeerHwAddr, "peerHwAddr");
            // Without an MTU of its own the pair takes the bridge's: a smaller new port would lower the
            // MTU of the whole bridge, which is not ours to change when we did not create it.
            int? mtuValue = spec.Mtu is int value ? RequestValidation.Mtu(value) : BridgeMtu(bridge);
            string mtu = mtuValue is int chosen ? $" mtu {chosen.ToString(CultureInfo.InvariantCulture)}" : "";
            // The host side gets a MAC starting with fe (as libvirt does for its taps): a bridge without a
            // fixed address takes the lowest of its ports', so one with an uplink port keeps the MAC it has.
            string hostMac = "fe:" + string.Join(':', System.Security.Cryptography.RandomNumberGenerator.GetBytes(5).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            await CreateOwnedVethAsync(host, peer, $"link add name {host}{mtu} address {hostMac} type veth peer name {peer} address {mac}{mtu}\n"
                + $"link set dev {host} master {bridge} up\n", cancellationToken).ConfigureAwait(false);
        });

    /// <summary>
    /// The bridge a new veth may join: one this daemon created, or a kernel bridge it did not create
    /// (an unmanaged parent such as <c>ip link add br0 type bridge</c>). Of the latter only the port
    /// list changes, by the veth joining and later leaving with its own deletion; its addresses,
    /// sysctls and existence stay out of reach, because every other operation still asks for ownership.
    /// A loopback, veth, dummy or bond of someone else's is refused: it must be a bridge.
    /// </summary>
    private string AttachableBridge(string? value)
    {
        string name = RequestValidation.InterfaceName(value, "bridge");
        if (!LinkExists(name))
        {
            throw new HelperRequestException($"bridge: {name} does not exist");
        }
        // The kernel creates bridge/ under a net device's sysfs directory for bridges only. The check and
        // the join are not one step, but every link change of ours runs under the writer lock, so only
        // root outside the daemon could swap the name in between.
        if (!Directory.Exists($"/sys/class/net/{name}/bridge"))
        {
            throw new HelperRequestException($"bridge: {name} is not a bridge");
        }
        return name;
    }

    private static int? BridgeMtu(string bridge) =>
        int.TryParse(File.ReadAllText($"/sys/class/net/{bridge}/mtu").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int mtu) && mtu is >= 1280 and <= 9000
            ? mtu : null;

    /// <summary>
    /// Runs the batch that creates a veth pair. Both ends are recorded as owned first, so that if the
    /// batch fails half-way the owner can still delete what was made; on failure they are removed again.
    /// </summary>
    private async Task CreateOwnedVethAsync(string host, string peer, string batch, CancellationToken cancellationToken)
    {
        Owned.Add(host);
        Owned.Add(peer);
        try
        {
            await FixedCommand.RunAsync(Ip, ["-batch", "-"], batch, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (LinkExists(host))
            {
                await FixedCommand.RunAsync(Ip, ["link", "delete", "dev", host], cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            Owned.Remove(host);
            Owned.Remove(peer);
            throw;
        }
    }

    public Task EnableForwardingAsync(ForwardingFamily family, CancellationToken cancellationToken = default) =>
        Run("EnableForwarding", family, async () =>
        {
            Required(family, "family");
            switch (family.Family)
            {
                case "ipv4":
                    await WriteSysctl("/proc/sys/net/ipv4/ip_forward", "1", cancellationToken).ConfigureAwait(false);
                    break;
                case "ipv6":
                    // Forwarding makes the kernel ignore RAs where accept_ra is 1; uplinks that relied on
                    // them keep them with 2. Our bridges and veths have 0 and stay so.
                    foreach (string directory in Directory.GetDirectories("/proc/sys/net/ipv6/conf"))
                    {
                        string acceptRa = Path.Combine(directory, "accept_ra");
                        if (File.Exists(acceptRa) && (await File.ReadAllTextAsync(acceptRa, cancellationToken).ConfigureAwait(false)).Trim() == "1")
                        {
                            await WriteSysctl(acceptRa, "2", cancellationToken).ConfigureAwait(false);
                        }
                    }
                    await WriteSysctl("/proc/sys/net/ipv6/conf/default/forwarding", "1", cancellationToken).ConfigureAwait(false);
                    await WriteSysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1", cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new HelperRequestException($"family: \"{RequestValidation.Printable(family.Family)}\" is not ipv4 or ipv6");
            }
        });

    /// <summary>The two names of a veth pair to create: valid, different, and not taken by any link.</summary>
    private static (string Host, string Peer) NewVethNames(string? hostName, string? peerName)
    {
        string host = RequestValidation.InterfaceName(hostName, "hostName");
        string peer = RequestValidation.InterfaceName(peerName, "peerName");
        if (host == peer)
        {
            throw new HelperRequestException("peerName: must differ from hostName");
        }
        foreach (string name in new[] { host, peer })
        {
            if (LinkExists(name))
            {
                throw new HelperRequestException($"a link named {name} already exists");
            }
        }
        return (host, peer);
    }

    public Task ApplyNftablesAsync(NftablesBatch batch, CancellationToken cancellationToken = default) =>
        Run("ApplyNftables", batch, async () =>
        {
            Required(batch, "batch");
            string json = NftablesBatchValidator.Validate(batch.Json);
            await state.Nftables.RunAsync(json, cancellationToken).ConfigureAwait(false);
        });

    public async Task<NftablesListing> ListNftablesAsync(NftablesQuery query, CancellationToken cancellationToken = default)
    {
        // Read-only and frequent (drift checks), so it neither takes the writer lock nor fills the
        // audit log; the request is still validated and the command built here.
        Required(query, "query");
        var objects = NftablesBatchValidator.ValidateQuery(query);
        var documents = new List<string>();
        foreach (var (family, table, kind, name) in objects)
        {
            try
            {
                documents.Add(await state.Nftables.ListAsync(family, kind, table, name, cancellationToken).ConfigureAwait(false));
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("No such file or directory", StringComparison.Ordinal))
            {
                return new NftablesListing { Found = false, Documents = [] };
            }
        }
        return new NftablesListing { Found = true, Documents = documents };
    }

    private static async Task WriteSysctl(string path, string value, CancellationToken cancellationToken)
    {
        // As Incus does: an equal value is not rewritten (some writes have side effects).
        if ((await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim() != value)
        {
            await File.WriteAllTextAsync(path, value + "\n", cancellationToken).ConfigureAwait(false);
        }
    }
}
