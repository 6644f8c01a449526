using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// What the NIC filter behaviour suite does to the bridge fixture: sets c1's eth0 keys, sends
/// crafted frames from c1's network namespace with scapy, and counts what arrives in c2 and on the
/// host's bridge.
/// </summary>
public sealed class NicFilterHarness(BridgeNetworkFixture fixture)
{
    public const string Attacker = "c1";
    public const string Victim = "c2";

    public BridgeNetworkFixture Fixture => fixture;

    public sealed record Peer(string Name, string Mac, string Ipv4, string Ipv6, string HostName, int Pid);

    public async Task<Peer> PeerAsync(string name)
    {
        var config = (await UnixHttp.GetAsync(fixture.Daemon.SocketPath, $"/1.0/instances/{name}")).Metadata.GetProperty("config");
        return new Peer(name, config.GetProperty("volatile.eth0.hwaddr").GetString()!, await fixture.AddressAsync(name, "inet"),
            await fixture.AddressAsync(name, "inet6"), config.GetProperty("volatile.eth0.host_name").GetString()!, await fixture.InitPidAsync(name));
    }

    /// <summary>Replaces c1's eth0 with the bridged NIC plus <paramref name="keys"/>; returns the API status and error.</summary>
    public async Task<UnixHttp.Answer> SetAttackerNicAsync(IReadOnlyDictionary<string, string> keys, bool mustSucceed = true)
    {
        var device = fixture.Nic("eth0", keys, Attacker);
        return await fixture.Api(HttpMethod.Patch, $"/1.0/instances/{Attacker}",
            new { devices = new Dictionary<string, Dictionary<string, string>> { ["eth0"] = device } }, mustSucceed);
    }

    /// <summary>Sends frames (a scapy expression using the names a, b, marker) from c1's eth0.</summary>
    public async Task SendAsync(Peer a, Peer b, string frames, int count = 3, string marker = "")
    {
        string script = "from scapy.all import *\n"
            + $"a=dict(mac='{a.Mac}',ip4='{a.Ipv4}',ip6='{a.Ipv6}')\n"
            + $"b=dict(mac='{b.Mac}',ip4='{b.Ipv4}',ip6='{b.Ipv6}')\n"
            + $"marker=bytes.fromhex('{Convert.ToHexStringLower(Encoding.ASCII.GetBytes(marker))}')\n"
            + $"sendp({frames},iface='eth0',count={count.ToString(CultureInfo.InvariantCulture)},inter=0.02,verbose=False)\n";
        var sent = await Command.RunAsync("/usr/bin/nsenter", ["-t", a.Pid.ToString(CultureInfo.InvariantCulture), "-n", "/usr/bin/python3", "-c", script],
            timeout: TimeSpan.FromSeconds(60));
        if (sent.ExitCode != 0)
        {
            throw new InvalidOperationException($"scapy failed: {sent.Error}");
        }
    }

    /// <summary>
    /// Sends the frames and counts those containing <paramref name="pattern"/> that reach c2 (bridged)
    /// and the host (delivered up through the bridge).
    /// </summary>
    public async Task<(int AtVictim, int AtHost)> MeasureAsync(Peer a, Peer b, string frames, byte[] pattern, int count = 3, string marker = "")
    {
        await using var victim = await FrameSniffer.StartAsync(["/usr/bin/nsenter", "-t", b.Pid.ToString(CultureInfo.InvariantCulture), "-n"], "eth0", pattern);
        await using var host = await FrameSniffer.StartAsync(["/bin/ip", "netns", "exec", fixture.Daemon.Namespace], fixture.BridgeName, pattern);
        await SendAsync(a, b, frames, count, marker);
        return (await victim.StopAsync(), await host.StopAsync());
    }

    /// <summary>A marked UDP frame with the given Ethernet, IPv4 or IPv6 header (scapy), broadcast so that both the host and c2 get a copy.</summary>
    public static string MarkedUdp(string layers) => $"{layers}/UDP(sport=40000,dport=40000)/Raw(load=marker)";

    /// <summary>A fresh ASCII marker a test looks for.</summary>
    public static string NewMarker() => "incus-filter-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The bytes of an address, for patterns.</summary>
    public static byte[] Bytes(string address) => System.Net.IPAddress.Parse(address).GetAddressBytes();

    public static byte[] MacBytes(string mac) => mac.Split(':').Select(b => Convert.ToByte(b, 16)).ToArray();

    public async Task<JsonElement> InstanceConfigAsync(string name) =>
        (await UnixHttp.GetAsync(fixture.Daemon.SocketPath, $"/1.0/instances/{name}")).Metadata.GetProperty("config");
}
