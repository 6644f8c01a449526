using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Net;

/// <summary>
/// Turns a validated <see cref="DnsmasqSpec"/> into dnsmasq's argv. Every option is written here; the
/// caller's values are parsed and re-serialised, never passed through, and the file paths are derived
/// from the bridge name.
/// </summary>
public static class DnsmasqArguments
{
    public static IReadOnlyList<string> Build(DnsmasqSpec spec, NetworkFiles files, (string User, string Group) runAs)
    {
        string bridge = spec.Bridge;
        var argv = new List<string>
        {
            "--keep-in-foreground", "--strict-order", "--bind-interfaces", "--except-interface=lo", "--no-ping",
            $"--interface={bridge}", "--dhcp-rapid-commit", "--no-negcache", "--quiet-dhcp", "--quiet-dhcp6", "--quiet-ra",
            "--log-facility=-",
            // No /etc/dnsmasq.conf: everything dnsmasq does is on this command line.
            "--conf-file=/dev/null",
        };
        int leaseSeconds = spec.LeaseSeconds is >= 60 and <= 2592000
            ? spec.LeaseSeconds
            : throw new HelperRequestException($"leaseSeconds: {spec.LeaseSeconds} is outside 60-2592000");
        string lease = leaseSeconds.ToString(CultureInfo.InvariantCulture);
        bool leaseFiles = false;
        void LeaseFiles()
        {
            if (!leaseFiles)
            {
                argv.AddRange(["--dhcp-no-override", "--dhcp-authoritative", $"--dhcp-leasefile={files.Leases}", $"--dhcp-hostsfile={files.Hosts}"]);
                leaseFiles = true;
            }
        }

        if (spec.Ipv4Address is not null)
        {
            var address = Address(spec.Ipv4Address, AddressFamily.InterNetwork, "ipv4Address");
            argv.Add($"--listen-address={address}");
            var ranges = RequestValidation.BoundedList(spec.Ipv4DhcpRanges, "ipv4DhcpRanges", 16);
            if (ranges.Count > 0)
            {
                LeaseFiles();
                foreach (string range in ranges)
                {
                    var (first, last) = Range(range, AddressFamily.InterNetwork, "ipv4DhcpRanges");
                    argv.Add($"--dhcp-range={first},{last},{lease}");
                }
                if (spec.Mtu is int mtu)
                {
                    argv.Add($"--dhcp-option-force=26,{RequestValidation.Mtu(mtu).ToString(CultureInfo.InvariantCulture)}");
                }
            }
        }
        else if (spec.Ipv4DhcpRanges is { Count: > 0 })
        {
            throw new HelperRequestException("ipv4DhcpRanges: DHCPv4 needs an IPv4 address on the bridge");
        }

        if (spec.Ipv6Address is not null)
        {
            var cidr = RequestValidation.Cidr(spec.Ipv6Address, "ipv6Address");
            if (cidr.Address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new HelperRequestException("ipv6Address: not an IPv6 address");
            }
            argv.Add($"--listen-address={cidr.Address}");
            if (spec.Ipv6RouterAdvertisements)
            {
                argv.Add("--enable-ra");
            }
            switch (spec.Ipv6Dhcp)
            {
                case "stateful":
                    LeaseFiles();
                    argv.Add($"--dhcp-range=::2,::ffff:ffff:ffff:fffe,constructor:{bridge},{cidr.PrefixLength.ToString(CultureInfo.InvariantCulture)},{lease}");
                    break;
                case "stateless":
                    LeaseFiles();
                    // ra-names: a DHCPv4 client's SLAAC address gets an AAAA record under its (Incus-chosen) name.
                    argv.Add($"--dhcp-range=::,constructor:{bridge},ra-stateless,ra-names");
                    break;
                case "none":
                    if (spec.Ipv6RouterAdvertisements)
                    {
                        argv.Add($"--dhcp-range=::,constructor:{bridge},ra-only");
                    }
                    break;
                default:
                    throw new HelperRequestException($"ipv6Dhcp: \"{RequestValidation.Printable(spec.Ipv6Dhcp)}\" is not none, stateless or stateful");
            }
            argv.Add($"--dhcp-option-force=option6:dns-server,[{cidr.Address}]");
        }
        else if (spec.Ipv6Dhcp != "none" || spec.Ipv6RouterAdvertisements)
        {
            throw new HelperRequestException("ipv6Dhcp: DHCPv6 and router advertisements need an IPv6 address on the bridge");
        }

        if (spec.DnsDomain is not null)
        {
            string domain = Domain(spec.DnsDomain);
            argv.AddRange(["-s", domain, $"--interface-name=_gateway.{domain},{bridge}", $"--server=/{domain}/"]);
            if (!spec.ClientNames)
            {
                // Names come from the daemon's host entries only; a client cannot name itself, or anyone else.
                argv.Add("--dhcp-ignore-names");
            }
        }
        else
        {
            argv.Add("--port=0");
        }
        argv.AddRange([$"--user={runAs.User}", $"--group={runAs.Group}"]);
        return argv;
    }

    /// <summary>A DNS domain: dot-separated labels of letters, digits and hyphens.</summary>
    public static string Domain(string? value)
    {
        string domain = RequestValidation.Plain(value, "dnsDomain");
        if (domain.Length is 0 or > 253 || domain.Split('.').Any(label => label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
            || label.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-'))))
        {
            throw new HelperRequestException($"dnsDomain: \"{RequestValidation.Printable(domain)}\" is not a DNS domain");
        }
        return domain.ToLowerInvariant();
    }

    private static IPAddress Address(string value, AddressFamily family, string field)
    {
        RequestValidation.Plain(value, field);
        if (!IPAddress.TryParse(value, out var address) || address.AddressFamily != family || value.Contains('/'))
        {
            throw new HelperRequestException($"{field}: \"{RequestValidation.Printable(value)}\" is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address");
        }
        return address;
    }

    private static (IPAddress First, IPAddress Last) Range(string value, AddressFamily family, string field)
    {
        RequestValidation.Plain(value, field);
        string[] parts = value.Split('-');
        if (parts.Length != 2)
        {
            throw new HelperRequestException($"{field}: \"{RequestValidation.Printable(value)}\" is not a first-last range");
        }
        return (Address(parts[0], family, field), Address(parts[1], family, field));
    }
}
