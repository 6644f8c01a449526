using System.Globalization;
using System.Net;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Lxc;

/// <summary>
/// Reads a running container's interfaces and addresses from its init's /proc/&lt;pid&gt;/net files,
/// which show that process's network namespace. No process is spawned, so listing many instances
/// stays cheap.
/// </summary>
public static class ContainerNetworkReader
{
    public static IReadOnlyList<ContainerInterface> Read(int pid)
    {
        string net = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/net";
        try
        {
            var counters = Counters(File.ReadAllLines(Path.Combine(net, "dev")));
            var addresses = counters.Keys.ToDictionary(name => name, _ => new List<ContainerAddress>(), StringComparer.Ordinal);
            foreach (var (name, address) in Ipv6(File.ReadAllLines(Path.Combine(net, "if_inet6"))).Concat(
                Ipv4(File.ReadAllLines(Path.Combine(net, "fib_trie")), File.ReadAllLines(Path.Combine(net, "route")))))
            {
                if (addresses.TryGetValue(name, out var list))
                {
                    list.Add(address);
                }
            }
            return counters.Select(c => new ContainerInterface
            {
                Name = c.Key,
                Addresses = addresses[c.Key],
                BytesReceived = c.Value[0],
                PacketsReceived = c.Value[1],
                BytesSent = c.Value[8],
                PacketsSent = c.Value[9],
            }).OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The container stopped while we read: it has no interfaces to show.
            return [];
        }
    }

    /// <summary>/proc/net/dev: interface name, then 16 counters.</summary>
    public static Dictionary<string, long[]> Counters(IEnumerable<string> lines)
    {
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(2))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            long[] values = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0).ToArray();
            if (values.Length >= 16)
            {
                result[line[..colon].Trim()] = values;
            }
        }
        return result;
    }

    /// <summary>/proc/net/if_inet6: address, ifindex, prefix, scope, flags, name (hex fields).</summary>
    public static IEnumerable<(string Interface, ContainerAddress Address)> Ipv6(IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[0].Length != 32)
            {
                continue;
            }
            int scope = int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            yield return (fields[5], new ContainerAddress
            {
                Family = "inet6",
                Address = new IPAddress(Convert.FromHexString(fields[0])).ToString(),
                Prefix = int.Parse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                Scope = (scope & 0xf0) switch { 0x00 => "global", 0x20 => "link", 0x10 => "local", _ => "global" },
            });
        }
    }

    /// <summary>
    /// IPv4: the local addresses are the "/32 host LOCAL" leaves of fib_trie; the interface and prefix
    /// come from the connected route (no gateway) whose subnet holds the address, or lo for 127/8.
    /// </summary>
    public static IEnumerable<(string Interface, ContainerAddress Address)> Ipv4(IEnumerable<string> fibTrie, IEnumerable<string> routes)
    {
        var connected = new List<(string Interface, uint Network, uint Mask, int Prefix)>();
        foreach (string line in routes.Skip(1))
        {
            string[] fields = line.Split('\t', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 8 && uint.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint destination)
                && uint.TryParse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint gateway) && gateway == 0
                && uint.TryParse(fields[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint mask) && mask != 0)
            {
                connected.Add((fields[0], destination, mask, System.Numerics.BitOperations.PopCount(mask)));
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? previous = null;
        foreach (string raw in fibTrie)
        {
            string line = raw.Trim();
            if (line.StartsWith("|--", StringComparison.Ordinal))
            {
                previous = line[3..].Trim();
                continue;
            }
            if (line != "/32 host LOCAL" || previous is null || !IPAddress.TryParse(previous, out var address) || !seen.Add(previous))
            {
                continue;
            }
            // Route entries are printed in host byte order, like the address read back this way.
            uint value = BitConverter.ToUInt32(address.GetAddressBytes());
            if (address.GetAddressBytes()[0] == 127)
            {
                yield return ("lo", new ContainerAddress { Family = "inet", Address = previous, Prefix = 8, Scope = "local" });
                continue;
            }
            var route = connected.Where(r => (value & r.Mask) == r.Network).OrderByDescending(r => r.Prefix).FirstOrDefault();
            if (route.Interface is not null)
            {
                yield return (route.Interface, new ContainerAddress { Family = "inet", Address = previous, Prefix = route.Prefix, Scope = "global" });
            }
        }
    }
}
