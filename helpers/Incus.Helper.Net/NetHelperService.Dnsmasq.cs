using System.Globalization;
using System.Text;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Net;

/// <summary>The dnsmasq operations: one supervised dnsmasq per owned bridge, from typed parameters.</summary>
public sealed partial class NetHelperService
{
    public const int MaxHostEntries = 4096;

    public Task StartDnsmasqAsync(DnsmasqSpec spec, CancellationToken cancellationToken = default) =>
        Run("StartDnsmasq", spec, async () =>
        {
            Required(spec, "spec");
            string bridge = OwnedName(spec.Bridge, "bridge");
            var files = PrepareFiles(bridge);
            var arguments = DnsmasqArguments.Build(spec, files, (state.DnsmasqUserName, state.DnsmasqGroupName));
            if (!File.Exists(files.Hosts))
            {
                WriteShared(files.Hosts, "");
            }
            await state.Dnsmasq.EnsureAsync(bridge, arguments, files.Pid, cancellationToken).ConfigureAwait(false);
        });

    public Task StopDnsmasqAsync(LinkName bridge, CancellationToken cancellationToken = default) =>
        Run("StopDnsmasq", bridge, async () =>
        {
            Required(bridge, "bridge");
            // Not only owned bridges: a dnsmasq may outlive the bridge it served after a crash.
            string name = RequestValidation.InterfaceName(bridge.Name, "name");
            var files = NetworkFiles.For(state.IncusDir, name);
            await state.Dnsmasq.StopAsync(name, files.Pid).ConfigureAwait(false);
            if (Directory.Exists(files.Directory))
            {
                Directory.Delete(files.Directory, recursive: true);
            }
        });

    public Task SetDnsmasqHostsAsync(DnsmasqHosts hosts, CancellationToken cancellationToken = default) =>
        Run("SetDnsmasqHosts", hosts, async () =>
        {
            Required(hosts, "hosts");
            string bridge = OwnedName(hosts.Bridge, "bridge");
            var entries = RequestValidation.BoundedList(hosts.Entries, "entries", MaxHostEntries);
            var text = new StringBuilder();
            foreach (var entry in entries)
            {
                Required(entry, "entries");
                text.Append(RequestValidation.UnicastMac(entry.HwAddr, "hwAddr"));
                if (entry.Ipv4Address is not null)
                {
                    text.Append(',').Append(HostAddress(entry.Ipv4Address, System.Net.Sockets.AddressFamily.InterNetwork, "ipv4Address"));
                }
                if (entry.Ipv6Address is not null)
                {
                    text.Append(",[").Append(HostAddress(entry.Ipv6Address, System.Net.Sockets.AddressFamily.InterNetworkV6, "ipv6Address")).Append(']');
                }
                if (entry.Name is not null)
                {
                    text.Append(',').Append(InstanceNames.Validate(entry.Name));
                }
                text.Append('\n');
            }
            var files = PrepareFiles(bridge);
            string content = text.ToString();
            if (File.Exists(files.Hosts) && await File.ReadAllTextAsync(files.Hosts, cancellationToken).ConfigureAwait(false) == content)
            {
                return;
            }
            WriteShared(files.Hosts, content);
            state.Dnsmasq.Reload(bridge);
        });

    public Task<IReadOnlyList<DnsmasqLease>> ListDnsmasqLeasesAsync(LinkName bridge, CancellationToken cancellationToken = default)
    {
        Required(bridge, "bridge");
        string name = OwnedName(bridge.Name, "name");
        var files = NetworkFiles.For(state.IncusDir, name);
        var leases = new List<DnsmasqLease>();
        if (!File.Exists(files.Leases))
        {
            return Task.FromResult<IReadOnlyList<DnsmasqLease>>(leases);
        }
        bool ipv6 = false;
        foreach (string line in File.ReadLines(files.Leases))
        {
            string[] fields = line.Split(' ');
            if (fields.Length == 2 && fields[0] == "duid")
            {
                ipv6 = true;
                continue;
            }
            if (fields.Length < 5 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long expiry))
            {
                continue;
            }
            leases.Add(new DnsmasqLease
            {
                Expiry = expiry,
                HwAddr = ipv6 ? "" : fields[1],
                Address = fields[2],
                Hostname = fields[3] == "*" ? "" : fields[3],
                ClientId = ipv6 && fields[4] != "*" ? fields[4] : "",
            });
        }
        return Task.FromResult<IReadOnlyList<DnsmasqLease>>(leases);
    }

    /// <summary>The bridge's dnsmasq directory: root's, readable by dnsmasq's group only.</summary>
    private NetworkFiles PrepareFiles(string bridge)
    {
        string parent = Path.Combine(state.IncusDir, "networks");
        Directory.CreateDirectory(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var files = NetworkFiles.For(state.IncusDir, bridge);
        Directory.CreateDirectory(files.Directory);
        File.SetUnixFileMode(files.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        Incus.Platform.FileOwnership.Chown(files.Directory, 0, state.DnsmasqGid);
        return files;
    }

    /// <summary>Writes a file dnsmasq re-reads after it dropped root: atomically, mode 0640, its group.</summary>
    private void WriteShared(string path, string content)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Incus.Platform.FileOwnership.Chown(temporary, 0, state.DnsmasqGid);
        File.Move(temporary, path, overwrite: true);
    }

    private static string HostAddress(string value, System.Net.Sockets.AddressFamily family, string field)
    {
        RequestValidation.Plain(value, field);
        if (!System.Net.IPAddress.TryParse(value, out var address) || address.AddressFamily != family || value.Contains('/') || value.Contains('%'))
        {
            throw new HelperRequestException($"{field}: \"{RequestValidation.Printable(value)}\" is not a host address");
        }
        return address.ToString();
    }
}
