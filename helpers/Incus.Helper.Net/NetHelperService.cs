using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Net;

/// <summary>
/// The net helper's operations. Each validates its request as if hostile, acts only on links this
/// daemon created, and is audited through the call context.
/// </summary>
public sealed partial class NetHelperService(CallContext context, NetHelperState state) : INetHelper
{
    /// <summary>
    /// net_admin for links and rules; the rest is what dnsmasq needs as it starts (bind ports 53 and
    /// 67, raw sockets, drop to its own user), plus kill to signal it after it dropped, and chown to
    /// give its files to its group.
    /// </summary>
    public static readonly CapabilitySet Capabilities = CapabilitySet.Of(
        LinuxCapability.NetAdmin, LinuxCapability.NetRaw, LinuxCapability.NetBindService,
        LinuxCapability.Setuid, LinuxCapability.Setgid, LinuxCapability.Kill, LinuxCapability.Chown);
    private OwnedLinks Owned => state.Links;
    private const string Ip = "/bin/ip";
    private static readonly SemaphoreSlim Writer = new(1, 1);

    public Task CreateBridgeAsync(BridgeSpec spec, CancellationToken cancellationToken = default) =>
        Run("CreateBridge", spec, async () =>
        {
            Required(spec, "spec");
            string name = RequestValidation.InterfaceName(spec.Name);
            var arguments = new List<string> { "link", "add", "name", name };
            if (spec.Mtu is int mtu)
            {
                arguments.AddRange(["mtu", RequestValidation.Mtu(mtu).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
            if (spec.HwAddr is not null)
            {
                arguments.AddRange(["address", RequestValidation.UnicastMac(spec.HwAddr)]);
            }
            arguments.AddRange(["type", "bridge"]);
            if (LinkExists(name))
            {
                throw new HelperRequestException($"name: a link named {name} already exists");
            }
            await FixedCommand.RunAsync(Ip, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
            Owned.Add(name);
        });

    public Task DeleteLinkAsync(LinkName link, CancellationToken cancellationToken = default) =>
        Run("DeleteLink", link, async () =>
        {
            Required(link, "link");
            string name = OwnedName(link.Name);
            if (LinkExists(name))
            {
                await FixedCommand.RunAsync(Ip, ["link", "delete", "dev", name], cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            // A routed NIC's proxy entries on its parent go with its veth, whoever removes it.
            await RemoveProxiesOfAsync(name, cancellationToken).ConfigureAwait(false);
            Owned.Remove(name);
        });

    public Task SetLinkStateAsync(LinkState state, CancellationToken cancellationToken = default) =>
        Run("SetLinkState", state, async () =>
        {
            Required(state, "state");
            string name = OwnedName(state.Name);
            var arguments = new List<string> { "link", "set", "dev", name };
            if (state.Mtu is int mtu)
            {
                arguments.AddRange(["mtu", RequestValidation.Mtu(mtu).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
            if (state.HwAddr is not null)
            {
                arguments.AddRange(["address", RequestValidation.UnicastMac(state.HwAddr)]);
            }
            arguments.Add(state.Up ? "up" : "down");
            await FixedCommand.RunAsync(Ip, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        });

    public Task SetLinkAddressesAsync(LinkAddresses addresses, CancellationToken cancellationToken = default) =>
        Run("SetLinkAddresses", addresses, async () =>
        {
            Required(addresses, "addresses");
            string name = OwnedName(addresses.Name);
            var cidrs = RequestValidation.BoundedList(addresses.Addresses, "addresses")
                .Select(a => RequestValidation.Cidr(a).Text)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            // One ip -batch run: the helper writes every line itself from re-serialised values.
            var batch = new System.Text.StringBuilder();
            batch.Append("address flush dev ").Append(name).Append(" scope global\n");
            foreach (string cidr in cidrs)
            {
                batch.Append("address add ").Append(cidr).Append(" dev ").Append(name).Append('\n');
            }
            await FixedCommand.RunAsync(Ip, ["-batch", "-"], batch.ToString(), cancellationToken).ConfigureAwait(false);
        });

    public Task SetInterfaceSysctlAsync(InterfaceSysctl sysctl, CancellationToken cancellationToken = default) =>
        Run("SetInterfaceSysctl", sysctl, async () =>
        {
            Required(sysctl, "sysctl");
            string name = OwnedName(sysctl.Interface, "interface");
            string family = RequestValidation.Plain(sysctl.Family, "family");
            string key = RequestValidation.Plain(sysctl.Key, "key");
            string value = RequestValidation.Plain(sysctl.Value, "value");
            if (SysctlAllowlist.Check(family, key, value) is { } refusal)
            {
                throw new HelperRequestException(refusal);
            }
            string path = $"/proc/sys/net/{family}/conf/{name}/{key}";
            if (!File.Exists(path))
            {
                throw new HelperRequestException($"{path} does not exist");
            }
            await File.WriteAllTextAsync(path, value + "\n", cancellationToken).ConfigureAwait(false);
        });

    public Task<IReadOnlyList<string>> ListOwnedLinksAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Owned.Snapshot());

    private async Task Run(string operation, object? arguments, Func<Task> action)
    {
        // One writer at a time: kernel network state is changed in a well-defined order.
        await Writer.WaitAsync().ConfigureAwait(false);
        try
        {
            await context.AuditedAsync(operation, arguments, action).ConfigureAwait(false);
        }
        finally
        {
            Writer.Release();
        }
    }

    private string OwnedName(string? value, string field = "name")
    {
        string name = RequestValidation.InterfaceName(value, field);
        if (!Owned.Contains(name))
        {
            throw new HelperRequestException($"{field}: {name} was not created by this daemon");
        }
        return name;
    }

    private static void Required(object? value, string field)
    {
        if (value is null)
        {
            throw new HelperRequestException($"{field}: missing");
        }
    }

    private static bool LinkExists(string name) => Directory.Exists($"/sys/class/net/{name}");
}
