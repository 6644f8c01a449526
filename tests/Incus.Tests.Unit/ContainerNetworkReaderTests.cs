using Incus.Helpers.Lxc;

namespace Incus.Tests.Unit;

public sealed class ContainerNetworkReaderTests
{
    [Fact]
    public void Ipv4AddressesComeFromLocalLeavesWithTheirConnectedRoute()
    {
        string[] fibTrie =
        [
            "Main:",
            "  +-- 0.0.0.0/0 3 0 5",
            "     |-- 0.0.0.0",
            "        /0 universe UNICAST",
            "     +-- 192.0.2.0/24 2 0 2",
            "        |-- 192.0.2.0",
            "           /24 link UNICAST",
            "        |-- 192.0.2.223",
            "           /32 host LOCAL",
            "Local:",
            "  +-- 127.0.0.0/8 2 0 2",
            "     |-- 127.0.0.1",
            "        /32 host LOCAL",
            "        |-- 192.0.2.223",
            "           /32 host LOCAL",
        ];
        string[] routes =
        [
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
            "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
            "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
        ];
        var addresses = ContainerNetworkReader.Ipv4(fibTrie, routes).ToList();
        Assert.Equal(2, addresses.Count);
        Assert.Contains(addresses, a => a.Interface == "eth0" && a.Address.Address == "192.0.2.223" && a.Address.Prefix == 24 && a.Address.Scope == "global");
        Assert.Contains(addresses, a => a.Interface == "lo" && a.Address.Address == "127.0.0.1" && a.Address.Scope == "local");
    }

    [Fact]
    public void Ipv6AddressesAndScopesComeFromIfInet6()
    {
        var addresses = ContainerNetworkReader.Ipv6([
            "20010db80001000012666afffe65f2c2 03 40 00 00     eth0",
            "fe8000000000000012666afffe65f2c2 03 40 20 80     eth0",
            "00000000000000000000000000000001 01 80 10 80       lo",
        ]).ToList();
        Assert.Contains(addresses, a => a.Interface == "eth0" && a.Address.Address == "2001:db8:1:0:1266:6aff:fe65:f2c2" && a.Address.Scope == "global" && a.Address.Prefix == 64);
        Assert.Contains(addresses, a => a.Interface == "eth0" && a.Address.Scope == "link");
        Assert.Contains(addresses, a => a.Interface == "lo" && a.Address.Address == "::1" && a.Address.Scope == "local");
    }

    [Fact]
    public void CountersAreReadPerInterface()
    {
        var counters = ContainerNetworkReader.Counters([
            "Inter-|   Receive                                                |  Transmit",
            " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed",
            "    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0",
            "  eth0:    5000      40    0    0    0     0          0         0     3000      30    0    0    0     0       0          0",
        ]);
        Assert.Equal(5000, counters["eth0"][0]);
        Assert.Equal(30, counters["eth0"][9]);
    }
}
