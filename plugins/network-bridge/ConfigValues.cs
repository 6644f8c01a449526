using System.Net;
using System.Net.Sockets;

namespace Incus.Plugins.NetworkBridge;

/// <summary>Parsing of config values the way Incus reads them.</summary>
public static class ConfigValues
{
    private static readonly HashSet<string> True = ["true", "1", "yes", "on"];
    private static readonly HashSet<string> False = ["false", "0", "no", "off"];

    public static bool IsBool(string value) => True.Contains(value.ToLowerInvariant()) || False.Contains(value.ToLowerInvariant());

    /// <summary>True when set to a true value, or unset and <paramref name="whenUnset"/>.</summary>
    public static bool Flag(IReadOnlyDictionary<string, string> config, string key, bool whenUnset) =>
        config.TryGetValue(key, out string? value) && value.Length > 0 ? True.Contains(value.ToLowerInvariant()) : whenUnset;

    /// <summary>An address with prefix, for example <c>192.0.2.1/24</c>.</summary>
    public static bool TryParseCidr(string value, AddressFamily family, out IPAddress address, out int prefix)
    {
        address = IPAddress.None;
        prefix = 0;
        int slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !IPAddress.TryParse(value.AsSpan(0, slash), out var parsed) || parsed.AddressFamily != family
            || !int.TryParse(value.AsSpan(slash + 1), System.Globalization.NumberStyles.None, null, out prefix)
            || prefix > (family == AddressFamily.InterNetwork ? 32 : 128) || value.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }
        address = parsed;
        return true;
    }

    /// <summary>The network address of <paramref name="address"/>/<paramref name="prefix"/>.</summary>
    public static IPAddress Network(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }
        return new IPAddress(bytes);
    }

    /// <summary>The last address of the subnet.</summary>
    public static IPAddress Last(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }
        return new IPAddress(bytes);
    }

    /// <summary><paramref name="address"/> plus <paramref name="offset"/> (which may be negative).</summary>
    public static IPAddress Offset(IPAddress address, long offset)
    {
        byte[] bytes = address.GetAddressBytes();
        var value = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true) + offset;
        byte[] shifted = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] result = new byte[bytes.Length];
        Array.Copy(shifted, Math.Max(0, shifted.Length - result.Length), result, Math.Max(0, result.Length - shifted.Length), Math.Min(shifted.Length, result.Length));
        return new IPAddress(result);
    }

    public static bool Contains(IPAddress network, int prefix, IPAddress candidate) =>
        candidate.AddressFamily == network.AddressFamily && Network(candidate, prefix).Equals(Network(network, prefix));

    public static bool Overlaps(IPAddress a, int prefixA, IPAddress b, int prefixB)
    {
        int shorter = Math.Min(prefixA, prefixB);
        return a.AddressFamily == b.AddressFamily && Network(a, shorter).Equals(Network(b, shorter));
    }

    public static int Compare(IPAddress a, IPAddress b) =>
        new System.Numerics.BigInteger(a.GetAddressBytes(), isUnsigned: true, isBigEndian: true)
            .CompareTo(new System.Numerics.BigInteger(b.GetAddressBytes(), isUnsigned: true, isBigEndian: true));
}
