using System.Net;
using System.Net.NetworkInformation;
using System.Text;

namespace Incus.Helpers;

/// <summary>
/// Checks on values that arrive from the core. The core is not trusted: every string is checked
/// for what it is, then re-serialised by the helper before it reaches the kernel or a command line.
/// </summary>
public static class RequestValidation
{
    public const int MaxListLength = 64;
    public const int MaxStringLength = 256;

    /// <summary>An interface name: 1–15 bytes of [A-Za-z0-9_.-], not "." or "..", not starting with '-'.</summary>
    public static string InterfaceName(string? value, string field = "name")
    {
        Plain(value, field);
        if (value!.Length is < 1 or > 15)
        {
            throw new HelperRequestException($"{field}: interface names are 1 to 15 bytes long, got {value.Length}");
        }
        if (value is "." or ".." || value[0] == '-')
        {
            throw new HelperRequestException($"{field}: \"{value}\" is not a valid interface name");
        }
        foreach (char c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                throw new HelperRequestException($"{field}: interface names may contain only A-Z, a-z, 0-9, '_', '.' and '-'");
            }
        }
        return value;
    }

    /// <summary>A unicast Ethernet address, returned in canonical lower-case colon form.</summary>
    public static string UnicastMac(string? value, string field = "hwaddr")
    {
        Plain(value, field);
        if (value!.Length != 17 || !PhysicalAddress.TryParse(value, out var parsed))
        {
            throw new HelperRequestException($"{field}: \"{Printable(value)}\" is not a MAC address (aa:bb:cc:dd:ee:ff)");
        }
        byte[] bytes = parsed.GetAddressBytes();
        if ((bytes[0] & 1) != 0)
        {
            throw new HelperRequestException($"{field}: {value} is a multicast address");
        }
        if (bytes.All(b => b == 0))
        {
            throw new HelperRequestException($"{field}: the all-zero address is not allowed");
        }
        return string.Join(':', bytes.Select(b => b.ToString("x2")));
    }

    /// <summary>An address with prefix length, returned re-serialised as "address/prefix".</summary>
    public static (IPAddress Address, int PrefixLength, string Text) Cidr(string? value, string field = "address")
    {
        Plain(value, field);
        int slash = value!.IndexOf('/');
        if (slash <= 0 || !IPAddress.TryParse(value.AsSpan(0, slash), out var address)
            || !int.TryParse(value.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out int prefix))
        {
            throw new HelperRequestException($"{field}: \"{Printable(value)}\" is not an address in CIDR form");
        }
        bool isIPv4 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        if (prefix > (isIPv4 ? 32 : 128) || (!isIPv4 && (address.IsIPv4MappedToIPv6 || address.ScopeId != 0)))
        {
            throw new HelperRequestException($"{field}: \"{Printable(value)}\" is not a valid address in CIDR form");
        }
        return (address, prefix, $"{address}/{prefix}");
    }

    public static int Mtu(int value, string field = "mtu")
    {
        if (value is < 1280 or > 9000)
        {
            throw new HelperRequestException($"{field}: {value} is outside 1280-9000");
        }
        return value;
    }

    public static IReadOnlyList<T> BoundedList<T>(IReadOnlyList<T>? list, string field, int max = MaxListLength)
    {
        if (list is null)
        {
            throw new HelperRequestException($"{field}: missing");
        }
        if (list.Count > max)
        {
            throw new HelperRequestException($"{field}: {list.Count} entries, at most {max} are allowed");
        }
        return list;
    }

    /// <summary>Refuses null, oversize and any control character (a newline became a config injection in CVE-2026-23953).</summary>
    public static string Plain(string? value, string field)
    {
        if (value is null)
        {
            throw new HelperRequestException($"{field}: missing");
        }
        if (Encoding.UTF8.GetByteCount(value) > MaxStringLength)
        {
            throw new HelperRequestException($"{field}: longer than {MaxStringLength} bytes");
        }
        foreach (char c in value)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                throw new HelperRequestException($"{field}: control characters are not allowed");
            }
        }
        return value;
    }

    /// <summary>A value as it may appear inside an error message: control characters escaped, bounded.</summary>
    public static string Printable(string? value)
    {
        if (value is null)
        {
            return "";
        }
        var builder = new StringBuilder();
        foreach (char c in value.Length > 64 ? value[..64] : value)
        {
            builder.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString());
        }
        return builder.ToString();
    }
}
