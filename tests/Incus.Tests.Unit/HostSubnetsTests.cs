using Incus.Daemon.Networks;

namespace Incus.Tests.Unit;

public sealed class HostSubnetsTests
{
    [Fact]
    public void RoutesAreReadFromProcWithoutDefaultRoutes()
    {
        using var directory = new TemporaryDirectory();
        string v4 = Path.Combine(directory.Path, "route");
        File.WriteAllText(v4, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
            + "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
            + "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
        Assert.Equal(["192.0.2.0/24"], HostSubnets.Ipv4Routes(v4).ToList());

        string v6 = Path.Combine(directory.Path, "ipv6_route");
        File.WriteAllText(v6, "20010db8000100000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
            + "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0\n");
        Assert.Equal(["2001:db8:1::/64"], HostSubnets.Ipv6Routes(v6).ToList());
    }
}
