using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Incus.Plugins.NetworkBridge;

/// <summary>
/// Resolves <c>auto</c> addresses as Incus does: a random free 10.x.y.1/24 for IPv4 and a random
/// fd42:…::1/64 unique-local prefix for IPv6, avoiding every subnet already in use.
/// </summary>
public static class SubnetPicker
{
    private const int Attempts = 1000;

    public static string PickIpv4(IReadOnlyList<string> usedSubnets)
    {
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var candidate = new IPAddress([10, (byte)RandomNumberGenerator.GetInt32(256), (byte)RandomNumberGenerator.GetInt32(256), 0]);
            if (!Collides(candidate, 24, usedSubnets))
            {
                return $"{ConfigValues.Offset(candidate, 1)}/24";
            }
        }
        // Random picks can miss the last few free subnets (with 255 of 256 /16s taken, 1000 picks miss
        // about 2% of the time); before giving up, look at every candidate once.
        for (int index = 0; index < 256 * 256; index++)
        {
            var candidate = new IPAddress([10, (byte)(index >> 8), (byte)(index & 0xff), 0]);
            if (!Collides(candidate, 24, usedSubnets))
            {
                return $"{ConfigValues.Offset(candidate, 1)}/24";
            }
        }
        throw new InvalidOperationException("Failed to automatically find an unused IPv4 subnet, manual configuration required");
    }

    public static string PickIpv6(IReadOnlyList<string> usedSubnets)
    {
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            byte[] bytes = new byte[16];
            bytes[0] = 0xfd;
            bytes[1] = 0x42;
            RandomNumberGenerator.Fill(bytes.AsSpan(2, 6));
            var candidate = new IPAddress(bytes);
            if (!Collides(candidate, 64, usedSubnets))
            {
                return $"{ConfigValues.Offset(candidate, 1)}/64";
            }
        }
        throw new InvalidOperationException("Failed to automatically find an unused IPv6 subnet, manual configuration required");
    }

    private static bool Collides(IPAddress candidate, int prefix, IReadOnlyList<string> usedSubnets)
    {
        var family = candidate.AddressFamily;
        foreach (string used in usedSubnets)
        {
            if (ConfigValues.TryParseCidr(used, family, out var address, out int usedPrefix) && ConfigValues.Overlaps(candidate, prefix, address, usedPrefix))
            {
                return true;
            }
        }
        return false;
    }
}
