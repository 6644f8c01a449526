using System.Net;
using System.Net.Sockets;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Lxc;

/// <summary>
/// The static addresses and gateways of a container NIC, checked and re-serialised before they reach
/// the LXC config or an <c>ip</c> command: a value from the core never lands anywhere as sent.
/// </summary>
public static class NicAddressing
{
    public const int MaxAddresses = 64;

    /// <summary>The addressing in canonical form, or null when there is none; throws when a value is refused.</summary>
    public static ContainerNicAddresses? Normalize(ContainerNicAddresses? addresses)
    {
        if (addresses is null)
        {
            return null;
        }
        return new ContainerNicAddresses
        {
            Ipv4 = RequestValidation.BoundedList(addresses.Ipv4, "nics.addresses.ipv4", MaxAddresses)
                .Select(a => Address(a, AddressFamily.InterNetwork, "nics.addresses.ipv4")).Distinct(StringComparer.Ordinal).ToList(),
            Ipv6 = RequestValidation.BoundedList(addresses.Ipv6, "nics.addresses.ipv6", MaxAddresses)
                .Select(a => Address(a, AddressFamily.InterNetworkV6, "nics.addresses.ipv6")).Distinct(StringComparer.Ordinal).ToList(),
            Ipv4Gateway = addresses.Ipv4Gateway is null ? null : Gateway(addresses.Ipv4Gateway, AddressFamily.InterNetwork, "nics.addresses.ipv4Gateway"),
            Ipv6Gateway = addresses.Ipv6Gateway is null ? null : Gateway(addresses.Ipv6Gateway, AddressFamily.InterNetworkV6, "nics.addresses.ipv6Gateway"),
        };
    }

    /// <summary>
    /// The <c>ip -batch</c> lines that configure a hot-plugged NIC inside the container as LXC would at
    /// start: addresses, an on-link route to an IPv4 gateway, and the default routes.
    /// </summary>
    public static string InsideCommands(string device, ContainerNicAddresses addresses)
    {
        var normalized = Normalize(addresses)!;
        string name = RequestValidation.InterfaceName(device, "nics.name");
        var lines = new System.Text.StringBuilder();
        foreach (string address in normalized.Ipv4.Concat(normalized.Ipv6))
        {
            lines.Append("address add ").Append(address).Append(" dev ").Append(name).Append('\n');
        }
        if (normalized.Ipv4Gateway is { } v4)
        {
            lines.Append("route add ").Append(v4).Append("/32 dev ").Append(name).Append(" scope link\n");
            lines.Append("route add default via ").Append(v4).Append(" dev ").Append(name).Append('\n');
        }
        if (normalized.Ipv6Gateway is { } v6)
        {
            lines.Append("route add default via ").Append(v6).Append(" dev ").Append(name).Append('\n');
        }
        return lines.ToString();
    }

    private static string Address(string? value, AddressFamily family, string field)
    {
        var (address, _, text) = RequestValidation.Cidr(value, field);
        if (address.AddressFamily != family || address.IsIPv6Multicast || IPAddress.IsLoopback(address)
            || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || (family == AddressFamily.InterNetwork && address.GetAddressBytes()[0] >= 224))
        {
            throw new HelperRequestException($"{field}: {text} is not a unicast {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address");
        }
        return text;
    }

    private static string Gateway(string value, AddressFamily family, string field)
    {
        RequestValidation.Plain(value, field);
        if (value.Contains('%', StringComparison.Ordinal) || value.Contains('/', StringComparison.Ordinal) || !IPAddress.TryParse(value, out var address)
            || address.AddressFamily != family || address.IsIPv6Multicast || IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            throw new HelperRequestException($"{field}: \"{RequestValidation.Printable(value)}\" is not a unicast {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address");
        }
        return address.ToString();
    }
}
