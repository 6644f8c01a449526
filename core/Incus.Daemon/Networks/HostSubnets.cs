using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;

namespace Incus.Daemon.Networks;

/// <summary>
/// The subnets this host already uses, from its interface addresses and its routing tables
/// (<c>/proc/net/route</c>, <c>/proc/net/ipv6_route</c>), so <c>auto</c> never picks one of them.
/// Default routes are left out: they would collide with every candidate.
/// </summary>
public static class HostSubnets
{
    public static List<string> Read()
    {
        var subnets = new List<string>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var address in nic.GetIPProperties().UnicastAddresses)
            {
                if (address.PrefixLength > 0 && !address.Address.IsIPv6LinkLocal)
                {
                    subnets.Add($"{address.Address}/{address.PrefixLength}");
                }
            }
        }
        subnets.AddRange(Ipv4Routes("/proc/net/route"));
        subnets.AddRange(Ipv6Routes("/proc/net/ipv6_route"));
        return subnets;
    }

    public static IEnumerable<string> Ipv4Routes(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            string[] fields = line.Split('\t', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8 || !uint.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint destination)
                || !uint.TryParse(fields[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint mask))
            {
                continue;
            }
            // The kernel prints both in host (little-endian) byte order.
            int prefix = System.Numerics.BitOperations.PopCount(mask);
            if (prefix > 0)
            {
                yield return $"{new IPAddress(destination)}/{prefix}";
            }
        }
    }

    public static IEnumerable<string> Ipv6Routes(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }
        foreach (string line in File.ReadLines(path))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || fields[0].Length != 32
                || !int.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int prefix) || prefix == 0)
            {
                continue;
            }
            yield return $"{new IPAddress(Convert.FromHexString(fields[0]))}/{prefix}";
        }
    }
}
