namespace Incus.Tests.Integration;

/// <summary>
/// Generated hostile requests for the helpers: injected control characters, traversal, oversize
/// names and lists, argv-looking values, unknown members, wrong types and objects the helper does not
/// own. Each is a well-formed JSON-RPC request that a correct helper must answer with an error.
/// </summary>
public static class HostileRequests
{
    private static readonly string[] BadNames =
    [
        "br0\n", "br0\nlink delete lo", "\nx", "br\00", "\0", "br0\r", "br\t0", "br\u001b[0m", "br\u2028x", "br\u0085",
        "../x", "../../etc/passwd", "..", ".", "a/b", "/etc", "lo/../../kernel", "./lo", "br 0", "br;0", "$(reboot)", "`id`",
        "-f", "--foo", "-", "--", "-batch", "--force", "-n",
        "abcdefghijklmnop", new string('x', 16), new string('y', 64), new string('z', 300), "brü", "бр0", "",
    ];

    private static readonly string[] BadMacs =
    [
        "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "00:00:00:00:00:00", "00:16:3e:aa:bb:cc\n", "--foo", "-f",
        "00163eaabbcc", "00:16:3e:aa:bb", "00:16:3e:aa:bb:cc:dd", "zz:16:3e:aa:bb:cc", "00:16:3e:aa:bb:cc dev lo",
    ];

    private static readonly string[] BadCidrs =
    [
        "192.0.2.1", "192.0.2.1/33", "192.0.2.1/24\naddress add 203.0.113.1/32 dev lo", "2001:db8::1/129", "fe80::1%lo/64",
        "--foo", "-f", "192.0.2.1/24 dev lo", "::ffff:192.0.2.1/120", "", "192.0.2.1/", "/24",
    ];

    private static readonly (string Family, string Key, string Value)[] BadSysctls =
    [
        ("ipv4", "accept_ra", "0"), ("ipv6", "rp_filter", "1"), ("ipv4", "../../../kernel/core_pattern", "|/tmp/x"),
        ("ipv4", "forwarding", "2"), ("ipv4", "forwarding", "1\n"), ("ipv6", "accept_ra", "-1"), ("core", "somaxconn", "1"),
        ("ipv4/../../kernel", "forwarding", "1"), ("ipv6", "disable_ipv6", "--foo"), ("ipv4", "", "1"), ("", "forwarding", "1"),
        ("ipv4", "forwarding", "1 2"), ("ipv4", "forwarding", ""), ("ipv6", "disable_ipv6", "1\0"),
    ];

    private static object?[] Positional(object? argument) => [argument];

    private static Dictionary<string, object?> Members(params (string Name, object? Value)[] members) =>
        members.ToDictionary(m => m.Name, m => m.Value);

    /// <summary>
    /// At least <paramref name="minimum"/> hostile requests for the net helper. <paramref name="ownedLink"/> is
    /// a bridge the helper created, so requests about it get past the ownership check and meet the value checks.
    /// </summary>
    public static List<HostileRequest> ForNetHelper(int minimum, string ownedLink)
    {
        var requests = new List<HostileRequest>();
        void Checked(string method, Dictionary<string, object?> argument) => requests.Add(new(method, new object?[] { argument }, true));
        void Dispatch(string method, object? argument) => requests.Add(new(method, argument is null ? null : new object?[] { argument }, false));

        foreach (string name in BadNames)
        {
            Checked("CreateBridgeAsync", Members(("name", name)));
            Checked("DeleteLinkAsync", Members(("name", name)));
            Checked("SetLinkStateAsync", Members(("name", name), ("up", true)));
            Checked("SetLinkAddressesAsync", Members(("name", name), ("addresses", new[] { "192.0.2.1/24" })));
            Checked("SetInterfaceSysctlAsync", Members(("interface", name), ("family", "ipv4"), ("key", "forwarding"), ("value", "1")));
        }
        foreach (string name in BadNames)
        {
            Checked("CreateVethPairAsync", VethPair(name));
        }
        // A veth may join a bridge the helper did not create, but only a bridge: loopback is none, and
        // names that do not exist here are refused before any link is made.
        foreach (string notABridge in new[] { "lo", "eth0", "veth1234", "docker0" })
        {
            Checked("CreateVethPairAsync", VethPair(notABridge));
        }
        foreach (string mac in BadMacs)
        {
            Checked("CreateBridgeAsync", Members(("name", "itbr9"), ("hwAddr", mac)));
        }
        foreach (int mtu in new[] { -1, 0, 68, 1279, 9001, 65536, int.MaxValue, int.MinValue })
        {
            Checked("CreateBridgeAsync", Members(("name", "itbr9"), ("mtu", mtu)));
        }
        // The owned bridge exists already: creating it again must be refused, not re-created.
        Checked("CreateBridgeAsync", Members(("name", ownedLink)));
        // Links the helper did not create: valid names, but not the helper's to touch.
        foreach (string foreign in new[] { "lo", "eth0", "incusbr0", "docker0", "veth1234" })
        {
            Checked("DeleteLinkAsync", Members(("name", foreign)));
            Checked("SetLinkStateAsync", Members(("name", foreign), ("up", false)));
            Checked("SetLinkAddressesAsync", Members(("name", foreign), ("addresses", Array.Empty<string>())));
            Checked("SetInterfaceSysctlAsync", Members(("interface", foreign), ("family", "ipv4"), ("key", "forwarding"), ("value", "1")));
        }
        foreach (var (family, key, value) in BadSysctls)
        {
            Checked("SetInterfaceSysctlAsync", Members(("interface", ownedLink), ("family", family), ("key", key), ("value", value)));
        }
        foreach (string cidr in BadCidrs)
        {
            Checked("SetLinkAddressesAsync", Members(("name", ownedLink), ("addresses", new[] { "198.51.100.1/24", cidr })));
        }
        Checked("SetLinkAddressesAsync", Members(("name", ownedLink), ("addresses", Enumerable.Range(0, 65).Select(i => $"198.51.100.{i}/32").ToArray())));

        // Unknown members, wrong types and missing fields never reach the operation.
        Dispatch("CreateBridgeAsync", Members(("name", "itbr9"), ("evil", 1)));
        Dispatch("CreateBridgeAsync", Members(("name", "itbr9"), ("command", "rm -rf /")));
        Dispatch("CreateBridgeAsync", Members(("name", 5)));
        Dispatch("CreateBridgeAsync", Members(("name", new[] { "a" })));
        Dispatch("CreateBridgeAsync", Members(("mtu", "1500")));
        Dispatch("CreateBridgeAsync", Members());
        Dispatch("CreateBridgeAsync", null);
        Dispatch("SetLinkAddressesAsync", Members(("name", ownedLink), ("addresses", "192.0.2.1/24")));
        Dispatch("SetLinkStateAsync", Members(("name", ownedLink), ("up", "yes")));
        // Methods that are not on the interface.
        foreach (string method in new[] { "ToString", "GetType", "GetHashCode", "Equals", "Dispose", "Finalize", "MemberwiseClone",
                     "Run", "OwnedName", "LinkExists", "createbridgeasync", "CreateBridge ", "rpc.discover", "Exec", "" })
        {
            Dispatch(method, Members());
        }

        var random = new Random(20261125);
        while (requests.Count < minimum)
        {
            requests.Add(RandomNetRequest(random, ownedLink));
        }
        return requests;
    }

    /// <summary>A veth pair request that is valid except perhaps for <paramref name="bridge"/>.</summary>
    public static Dictionary<string, object?> VethPair(string bridge, string hostName = "itv0", string peerName = "itv1") =>
        Members(("hostName", hostName), ("peerName", peerName), ("bridge", bridge), ("peerHwAddr", "00:16:3e:00:00:02"));

    private static HostileRequest RandomNetRequest(Random random, string ownedLink)
    {
        string name = Mutate(random, BadNames[random.Next(BadNames.Length)]);
        switch (random.Next(6))
        {
            case 0:
                return new("CreateBridgeAsync", Positional(Members(("name", name), ("hwAddr", BadMacs[random.Next(BadMacs.Length)]))), true);
            case 1:
                return new("SetLinkAddressesAsync", Positional(Members(("name", ownedLink),
                    ("addresses", Enumerable.Range(0, 65 + random.Next(500)).Select(i => $"198.51.100.{i % 250}/32").ToArray()))), true);
            case 2:
                return new("SetLinkAddressesAsync", Positional(Members(("name", ownedLink), ("addresses", new[] { BadCidrs[random.Next(BadCidrs.Length)] }))), true);
            case 3:
                var (family, key, value) = BadSysctls[random.Next(BadSysctls.Length)];
                return new("SetInterfaceSysctlAsync", Positional(Members(("interface", random.Next(2) == 0 ? ownedLink : name), ("family", family),
                    ("key", Mutate(random, key)), ("value", value))), true);
            case 4:
                return new("DeleteLinkAsync", Positional(Members(("name", name), ($"x{random.Next(1000)}", random.Next()))), false);
            default:
                return new("CreateBridgeAsync", Positional(Members(("name", name), ("mtu", random.Next(int.MinValue, 1280)))), true);
        }
    }

    /// <summary>
    /// At least <paramref name="minimum"/> hostile requests for the instance helper's storage operations:
    /// every pool name is a traversal, injection, oversize or otherwise invalid name.
    /// </summary>
    public static List<HostileRequest> ForInstanceHelper(int minimum)
    {
        var requests = new List<HostileRequest>();
        // Interface-name attacks that happen to be fine pool names (such as 16 letters) are left out.
        string[] candidates = [.. BadNames, "..", "../../etc", "/etc", "etc/../..", ".hidden", "a..b", "x/", "/", "-rf", "--no-preserve-root", new string('p', 64)];
        string[] names = candidates.Where(n => !IsValidPoolName(n)).ToArray();
        foreach (string name in names)
        {
            requests.Add(new("CreateDirPoolAsync", Positional(Members(("name", name))), true));
            requests.Add(new("DeleteDirPoolAsync", Positional(Members(("name", name))), true));
        }
        // Valid names of pools that do not exist: deleting them must be refused, not succeed quietly.
        foreach (string missing in new[] { "default", "nosuchpool", "p1" })
        {
            requests.Add(new("DeleteDirPoolAsync", Positional(Members(("name", missing))), true));
        }
        requests.Add(new("CreateDirPoolAsync", Positional(Members(("name", "ok"), ("source", "/etc"))), false));
        requests.Add(new("CreateDirPoolAsync", Positional(Members(("name", "ok"), ("path", "../.."))), false));
        requests.Add(new("CreateDirPoolAsync", null, false));
        requests.Add(new("DeleteDirPoolAsync", Positional(Members(("name", 7))), false));
        foreach (string method in new[] { "Serialized", "Required", "ToString", "Open", "RemoveEmptyChild", "CreateChild", "Dispose" })
        {
            requests.Add(new(method, Members(), false));
        }
        var random = new Random(31);
        while (requests.Count < minimum)
        {
            string name = Mutate(random, names[random.Next(names.Length)]);
            if (!IsValidPoolName(name))
            {
                requests.Add(new(random.Next(2) == 0 ? "CreateDirPoolAsync" : "DeleteDirPoolAsync", Positional(Members(("name", name))), true));
            }
        }
        return requests;
    }

    /// <summary>At least <paramref name="minimum"/> hostile requests for the host helper, whose one operation takes no arguments.</summary>
    public static List<HostileRequest> ForHostHelper(int minimum)
    {
        var requests = new List<HostileRequest>();
        var random = new Random(5);
        string[] methods = ["ToString", "GetType", "Dispose", "Equals", "GetHashCode", "Restrict", "DescribeDebugfs", "ApplyHostHardening\n",
            "ApplyHostHardeningAsync\0", "../ApplyHostHardeningAsync", "-f", "--foo", "", "Chmod", "SetUnixFileMode"];
        while (requests.Count < minimum)
        {
            requests.Add(random.Next(3) switch
            {
                0 => new(Mutate(random, methods[random.Next(methods.Length)]), Members(), false),
                // The real method with arguments it does not take: a path, a mode, junk members.
                1 => new("ApplyHostHardeningAsync", Members(("path", Mutate(random, "/etc/shadow")), ("mode", "0777"), ($"extra{random.Next(100)}", random.Next())), false),
                _ => new("ApplyHostHardeningAsync", new object?[] { Mutate(random, "../../etc"), random.Next(), "--foo" }, false),
            });
        }
        return requests;
    }

    private static bool IsValidPoolName(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$") && !name.Contains("..", StringComparison.Ordinal);

    private static string Mutate(Random random, string value) => random.Next(4) switch
    {
        0 => value + (char)random.Next(0, 32),
        1 => "../" + value,
        2 => value + new string('a', random.Next(10, 40)),
        _ => value,
    };
}
