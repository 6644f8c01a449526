using System.Text.Json;
using Incus.HelperProtocol;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Lxc;

/// <summary>
/// Checks the NICs of a container request. A link may be handed to a container only when the net
/// helper created it (its owned-links record) and it is a veth end; otherwise a compromised core
/// could move the host's uplink into a container.
/// </summary>
public static class NicLinks
{
    public const int MaxNics = 32;

    public static IReadOnlyList<ContainerNic> Validate(IReadOnlyList<ContainerNic>? nics, string incusDir)
    {
        var list = RequestValidation.BoundedList(nics ?? [], "nics", MaxNics);
        if (list.Count == 0)
        {
            return list;
        }
        var owned = OwnedByNetHelper(incusDir);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var links = new HashSet<string>(StringComparer.Ordinal);
        var checkedNics = new List<ContainerNic>();
        foreach (var nic in list)
        {
            if (nic is null)
            {
                throw new HelperRequestException("nics: missing entry");
            }
            string link = RequestValidation.InterfaceName(nic.Link, "nics.link");
            string name = RequestValidation.InterfaceName(nic.Name, "nics.name");
            if (nic.Mtu is int mtu)
            {
                RequestValidation.Mtu(mtu, "nics.mtu");
            }
            if (!names.Add(name) || !links.Add(link))
            {
                throw new HelperRequestException($"nics: {name} or {link} appears twice");
            }
            if (!owned.Contains(link))
            {
                throw new HelperRequestException($"nics.link: {link} was not created by this daemon's net helper");
            }
            if (!IsVeth(link))
            {
                throw new HelperRequestException($"nics.link: {link} is not a veth end in this namespace");
            }
            checkedNics.Add(nic with { Addresses = NicAddressing.Normalize(nic.Addresses) });
        }
        return checkedNics;
    }

    private static HashSet<string> OwnedByNetHelper(string incusDir)
    {
        string path = Path.Combine(incusDir, "helpers", "net", "owned-links.json");
        if (!File.Exists(path))
        {
            return [];
        }
        return new HashSet<string>(JsonSerializer.Deserialize(File.ReadAllText(path), HelperJsonContext.Default.StringArray) ?? [], StringComparer.Ordinal);
    }

    /// <summary>A veth end has a peer: its iflink names another interface, and it is no bridge.</summary>
    private static bool IsVeth(string link)
    {
        string directory = $"/sys/class/net/{link}";
        if (!Directory.Exists(directory) || Directory.Exists(Path.Combine(directory, "bridge")) || Directory.Exists(Path.Combine(directory, "device")))
        {
            return false;
        }
        string ifindex = File.ReadAllText(Path.Combine(directory, "ifindex")).Trim();
        string iflink = File.ReadAllText(Path.Combine(directory, "iflink")).Trim();
        return ifindex != iflink;
    }
}
