using System.Net;
using System.Net.Sockets;

namespace Incus.Helpers.Net;

/// <summary>
/// Checks on the addresses, routes and tables of a routed NIC, as the helper accepts them from the
/// untrusted core. Everything is parsed and re-serialised; the results are what reach <c>ip</c>.
/// </summary>
public static class RoutedAddresses
{
    public const int MaxTables = 8;

    /// <summary>A unicast address an instance may own: no loopback, link-local, multicast, broadcast, scope or mapped form.</summary>
    public static IPAddress HostAddress(string? value, string field = "addresses")
    {
        RequestValidation.Plain(value, field);
        if (value!.Contains('/', StringComparison.Ordinal) || value.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(value, out var address))
        {
            throw new HelperRequestException($"{field}: \"{RequestValidation.Printable(value)}\" is not a plain IP address");
        }
        if (!IsHostUnicast(address))
        {
            throw new HelperRequestException($"{field}: {address} is not a unicast address an instance may be given");
        }
        return address;
    }

    /// <summary>
    /// A network routed to an instance, re-serialised as its network address and prefix. Prefixes shorter
    /// than /8 (IPv4) or /16 (IPv6) are refused: a pair of /1 routes would take the host's default route.
    /// </summary>
    public static (IPAddress Network, int Prefix, string Text) RoutedNetwork(string? value, string field = "routes")
    {
        var (address, prefix, _) = RequestValidation.Cidr(value, field);
        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (prefix < (v4 ? 8 : 16))
        {
            throw new HelperRequestException($"{field}: /{prefix} is wider than a routed NIC may take (at most /{(v4 ? 8 : 16)})");
        }
        var network = Network(address, prefix);
        byte[] bytes = network.GetAddressBytes();
        bool special = v4 ? bytes[0] is 0 or 127 or >= 224 || (bytes[0] == 169 && bytes[1] == 254)
            : network.IsIPv6Multicast || network.IsIPv6LinkLocal || network.IsIPv6SiteLocal || IPAddress.IsLoopback(network) || bytes.All(b => b == 0);
        if (special)
        {
            throw new HelperRequestException($"{field}: {network}/{prefix} is not a unicast network an instance may be given");
        }
        return (network, prefix, $"{network}/{prefix}");
    }

    /// <summary>Routing tables: 1 to 254 (0 is unspecified and 255 is the kernel's local table).</summary>
    public static IReadOnlyList<int> Tables(IReadOnlyList<int>? tables, string field)
    {
        var list = RequestValidation.BoundedList(tables, field, MaxTables);
        if (list.Count == 0)
        {
            throw new HelperRequestException($"{field}: at least one table is needed");
        }
        foreach (int table in list)
        {
            if (table is < 1 or > 254)
            {
                throw new HelperRequestException($"{field}: table {table} is outside 1-254");
            }
        }
        return list.Distinct().ToList();
    }

    public static bool IsHostUnicast(IPAddress address)
    {
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] bytes = address.GetAddressBytes();
            // 0/8 "this network", 169.254/16 link-local (the routed gateway lives there), 224/4 multicast and 240/4 reserved.
            return bytes[0] != 0 && !(bytes[0] == 169 && bytes[1] == 254) && bytes[0] < 224;
        }
        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId == 0 && !address.IsIPv4MappedToIPv6
            && !address.IsIPv6LinkLocal && !address.IsIPv6Multicast && !address.IsIPv6SiteLocal;
    }

    public static IPAddress Network(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return new IPAddress(bytes);
    }
}
