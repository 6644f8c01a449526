namespace Incus.Tests.Integration;

/// <summary>
/// The bridge fixture on a host bridge the daemon does not manage: <c>ubr0</c>, made with
/// <c>ip link add … type bridge</c> in the daemon's namespace, with the same host addresses as the
/// managed one (192.0.2.1/24, 2001:db8:1::1/64), a fixed MAC and MTU 1400. Nothing serves DHCP or
/// RAs on it, so c1 and c2 get static addresses, and a filtered family of a NIC gets the container's
/// address as <c>ipvN.address</c> (or <c>none</c>), as Incus requires on unmanaged bridges.
/// </summary>
public sealed class UnmanagedBridgeNetworkFixture : BridgeNetworkFixture
{
    public const string HostBridge = "ubr0";
    public const string HostBridgeMac = "02:00:00:00:53:01";
    public const int HostBridgeMtu = 1400;

    private static readonly Dictionary<string, (string Ipv4, string Ipv6)> StaticAddresses = new(StringComparer.Ordinal)
    {
        ["c1"] = ("192.0.2.2", "2001:db8:1::2"),
        ["c2"] = ("192.0.2.3", "2001:db8:1::3"),
    };

    public override string BridgeName => HostBridge;

    public override bool ManagedBridge => false;

    public override Dictionary<string, string> Nic(string name, IReadOnlyDictionary<string, string>? keys = null, string? container = null)
    {
        var device = new Dictionary<string, string> { ["type"] = "nic", ["nictype"] = "bridged", ["parent"] = HostBridge, ["name"] = name };
        foreach (var (key, value) in keys ?? new Dictionary<string, string>())
        {
            device[key] = value;
        }
        string? ipv4 = null, ipv6 = null;
        if (container is not null && StaticAddresses.TryGetValue(container, out var own))
        {
            (ipv4, ipv6) = own;
        }
        foreach (var (family, address) in new[] { ("ipv4", ipv4), ("ipv6", ipv6) })
        {
            if (device.GetValueOrDefault($"security.{family}_filtering") == "true" && !device.ContainsKey($"{family}.address"))
            {
                device[$"{family}.address"] = address ?? "none";
            }
        }
        return device;
    }

    protected override async Task CreateBridgeAsync()
    {
        string mtu = HostBridgeMtu.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await OnHostAsync("/bin/ip", "link", "add", HostBridge, "address", HostBridgeMac, "type", "bridge")).EnsureSuccess("ip link add ubr0");
        // Set afterwards, as an administrator changes it: an MTU given at creation is reset to 1500 when the last port leaves.
        (await OnHostAsync("/bin/ip", "link", "set", HostBridge, "mtu", mtu)).EnsureSuccess("ip link set ubr0 mtu");
        (await OnHostAsync("/bin/ip", "address", "add", $"{HostIpv4}/24", "dev", HostBridge)).EnsureSuccess("ip address add (IPv4)");
        (await OnHostAsync("/bin/ip", "address", "add", $"{HostIpv6}/64", "dev", HostBridge, "nodad")).EnsureSuccess("ip address add (IPv6)");
        (await OnHostAsync("/bin/ip", "link", "set", HostBridge, "up")).EnsureSuccess("ip link set ubr0 up");
    }

    protected override async Task AfterLaunchAsync(string name)
    {
        var (ipv4, ipv6) = StaticAddresses[name];
        // The image's udhcpc asks in vain here and would flush eth0's IPv4 should it ever time out into
        // deconfig; it may already have given up, so its absence is no failure.
        await InContainerAsync(name, "/bin/busybox", "killall", "udhcpc");
        (await InContainerAsync(name, "/bin/busybox", "ip", "address", "add", $"{ipv4}/24", "dev", "eth0")).EnsureSuccess($"IPv4 address in {name}");
        (await InContainerAsync(name, "/bin/busybox", "ip", "address", "add", $"{ipv6}/64", "dev", "eth0")).EnsureSuccess($"IPv6 address in {name}");
    }

    /// <summary>The container's static address, once the kernel has it on eth0 and (for IPv6) is done with duplicate address detection.</summary>
    public override async Task<string> AddressAsync(string container, string family, string device = "eth0")
    {
        if (device != "eth0" || !StaticAddresses.TryGetValue(container, out var addresses))
        {
            return await base.AddressAsync(container, family, device);
        }
        string wanted = family == "inet" ? addresses.Ipv4 : addresses.Ipv6;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var shown = await InContainerAsync(container, "/bin/busybox", "ip", "-o", "address", "show", "dev", device);
            if (shown.Output.Split('\n').Any(l => l.Contains($" {wanted}/", StringComparison.Ordinal) && !l.Contains("tentative", StringComparison.Ordinal)))
            {
                return wanted;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{container} does not have {wanted} on {device}: {shown.Output} {shown.Error}");
            }
            await Task.Delay(200);
        }
    }
}
